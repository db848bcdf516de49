// What becomes of a watched file once its run has ended: the status word of its status file
// (seed 003), the state of its row, and where it goes. A run stopped by a shutdown (interrupted,
// or never started) says nothing about the file: it stays where it was and runs again after the
// next start (UNSPECIFIED). An operator's cancel is a decision about the file: it fails, for good.
import type { FinalStatus } from '../types.js';

export type FileStatusWord = 'SUCCESS' | 'FAILED' | 'UNSPECIFIED';

export interface FileOutcome {
  status: FileStatusWord;
  /** The row's next state: `pending` runs it again. */
  state: 'done' | 'failed' | 'pending';
  /** Which of the task's folders it moves to (none: it stays). */
  moveTo: 'processed' | 'failed' | null;
}

export function fileOutcome(run: FinalStatus): FileOutcome {
  switch (run) {
    case 'success':
      return { status: 'SUCCESS', state: 'done', moveTo: 'processed' };
    case 'failed':
    case 'timeout':
    case 'cancelled':
      return { status: 'FAILED', state: 'failed', moveTo: 'failed' };
    case 'interrupted':
    case 'skipped':
      return { status: 'UNSPECIFIED', state: 'pending', moveTo: null };
  }
}

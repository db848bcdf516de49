// What becomes of a watched file once its run has ended: the status word of its status file
// (seed 003), the state of its row, and where it goes. A run stopped by a shutdown (interrupted,
// or never started) says nothing about the file: it stays where it was and runs again after the
// next start (UNSPECIFIED); so does a run skipped for a reason that may pass (its budget spent).
// An operator's decision about the file's run is final: cancelled, or rejected at its approval
// gate, or left without a decision until the approval timed out, the file fails, for good.
import { endedAtApproval } from '../scheduler/approvalEnd.js';
import type { FinalStatus } from '../types.js';

export type FileStatusWord = 'SUCCESS' | 'FAILED' | 'UNSPECIFIED';

export interface FileOutcome {
  status: FileStatusWord;
  /** The row's next state: `pending` runs it again. */
  state: 'done' | 'failed' | 'pending';
  /** Which of the task's folders it moves to (none: it stays). */
  moveTo: 'processed' | 'failed' | null;
}

const FAILED: FileOutcome = { status: 'FAILED', state: 'failed', moveTo: 'failed' };

/** `reason`: the run's, which tells a skip at the approval gate from other skips. */
export function fileOutcome(run: FinalStatus, reason: string | null): FileOutcome {
  switch (run) {
    case 'success':
      return { status: 'SUCCESS', state: 'done', moveTo: 'processed' };
    case 'failed':
    case 'timeout':
    case 'cancelled':
      return FAILED;
    case 'skipped':
      return endedAtApproval(reason) ? FAILED : { status: 'UNSPECIFIED', state: 'pending', moveTo: null };
    case 'interrupted':
      return { status: 'UNSPECIFIED', state: 'pending', moveTo: null };
  }
}

// How a status reads inside a reason: "dependency scan timed out", "... was cancelled".
import type { RunStatus } from '../types.js';

export function statusWords(status: RunStatus): string {
  switch (status) {
    case 'timeout':
      return 'timed out';
    case 'interrupted':
      return 'was interrupted';
    case 'skipped':
      return 'was skipped';
    case 'cancelled':
      return 'was cancelled';
    case 'running':
      return 'is running';
    case 'queued':
      return 'is queued';
    case 'awaiting_approval':
      return 'is awaiting approval';
    default:
      return status;
  }
}

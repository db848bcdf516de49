// After an attempt ended: is the run retried, after how long, and if not, why not.
import type { Task } from '../types.js';
import type { AttemptOutcome } from './outcome.js';
import { retryDelayMs } from './retryDelay.js';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string | null };

/**
 * `attempt` counts from 1. `stopping` is set when the run may not start another attempt (the
 * conductor is stopping, the run was stopped): the attempt's end is then final.
 */
export function retryDecision(
  task: Pick<Task, 'retry_count' | 'retry_delay' | 'retry_backoff' | 'retry_max_delay'>,
  attempt: number,
  outcome: AttemptOutcome,
  stopping: string | null,
): RetryDecision {
  // An attempt whose worker was lost did not fail on its own: it is retried like a failure.
  if (outcome.status === 'success' || (outcome.status === 'interrupted' && !outcome.lost) || outcome.status === 'cancelled') {
    return { retry: false, reason: null };
  }
  if (attempt > task.retry_count) return { retry: false, reason: null };
  if (stopping) return { retry: false, reason: `not retried: ${stopping}` };
  return { retry: true, delayMs: retryDelayMs(task, attempt) };
}

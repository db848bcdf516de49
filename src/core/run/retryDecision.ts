// After an attempt ended: is the run retried, after how long, and if not, why not. Retries can
// be kept to the errors that heal: `retry_on_exit_codes` (only those), `no_retry_on_exit_codes`
// (never those), `retry_on_timeout`.
import type { Task } from '../types.js';
import type { AttemptOutcome } from './outcome.js';
import { retryDelayMs } from './retryDelay.js';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string | null };

type RetryRules = Pick<Task, 'retry_count' | 'retry_delay' | 'retry_backoff' | 'retry_max_delay'> &
  Partial<Pick<Task, 'retry_on_exit_codes' | 'no_retry_on_exit_codes' | 'retry_on_timeout'>>;

/**
 * `attempt` counts from 1. `stopping` is set when the run may not start another attempt (the
 * conductor is stopping, the run was stopped): the attempt's end is then final.
 */
export function retryDecision(task: RetryRules, attempt: number, outcome: AttemptOutcome, stopping: string | null): RetryDecision {
  // An attempt whose worker was lost did not fail on its own: it is retried like a failure.
  if (outcome.status === 'success' || (outcome.status === 'interrupted' && !outcome.lost) || outcome.status === 'cancelled') {
    return { retry: false, reason: null };
  }
  if (attempt > task.retry_count) return { retry: false, reason: null };
  const rule = ruleSays(task, outcome);
  if (rule) return { retry: false, reason: rule };
  if (stopping) return { retry: false, reason: `not retried: ${stopping}` };
  return { retry: true, delayMs: retryDelayMs(task, attempt) };
}

/** Why the retry rules keep this failure from a retry, or null when they allow one. */
function ruleSays(task: RetryRules, outcome: AttemptOutcome): string | null {
  if (outcome.status === 'timeout') return task.retry_on_timeout === false ? 'a timeout is not retried (retry_on_timeout: false)' : null;
  const code = outcome.exitCode;
  // A start error (127 with a reason from the executor) follows the code rules like any exit.
  if (code === null) return null;
  if (task.no_retry_on_exit_codes?.includes(code)) return `exit code ${code} is not retried`;
  if (task.retry_on_exit_codes && !task.retry_on_exit_codes.includes(code)) return `exit code ${code} is not retried (only ${task.retry_on_exit_codes.join(', ')} are)`;
  return null;
}

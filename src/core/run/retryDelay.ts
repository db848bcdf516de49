// How long to wait before retry number `retry` (1 = the first retry) of a task.
import type { Task } from '../types.js';

export function retryDelayMs(task: Pick<Task, 'retry_delay' | 'retry_backoff' | 'retry_max_delay'>, retry: number): number {
  const base = task.retry_delay;
  const grown =
    task.retry_backoff === 'linear' ? base * retry : task.retry_backoff === 'exponential' ? base * 2 ** (retry - 1) : base;
  const cap = Math.max(task.retry_max_delay, base);
  return Math.round(Math.min(grown, cap) * 1000);
}

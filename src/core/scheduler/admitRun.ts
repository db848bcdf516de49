// A new request for a task that already has a run going (running, retrying, queued or waiting):
// what its concurrency policy says (as Kubernetes CronJob's concurrencyPolicy). It holds for every
// trigger, runs by hand included, so `forbid` means one run at a time whoever asks.
import type { ConcurrencyPolicy } from '../types.js';

export type Admission = { kind: 'run' } | { kind: 'skip'; reason: string } | { kind: 'replace'; reason: string };

export const FORBID_REASON = 'the previous run is still going (concurrency_policy forbid)';
export const REPLACE_REASON = 'replaced by a newer fire (concurrency_policy replace)';

/** `busy`: the task has a run that has not ended. */
export function admitRun(policy: ConcurrencyPolicy, busy: boolean): Admission {
  if (!busy || policy === 'allow') return { kind: 'run' };
  if (policy === 'forbid') return { kind: 'skip', reason: FORBID_REASON };
  return { kind: 'replace', reason: REPLACE_REASON };
}

// A new request for a task that already has a run going (running, retrying, queued or waiting):
// what its concurrency policy says (as Kubernetes CronJob's concurrencyPolicy). It holds for every
// trigger, runs by hand included, so `forbid` means one run at a time whoever asks.
import type { ConcurrencyPolicy } from '../types.js';

export type Admission = { kind: 'run' } | { kind: 'skip'; reason: string } | { kind: 'replace'; reason: string };

export const FORBID_REASON = 'the previous run is still going (concurrency_policy forbid)';
export const AWAITING_REASON = 'awaiting approval';
export const REPLACE_REASON = 'replaced by a newer fire (concurrency_policy replace)';

/** `busy`: the task has a run that has not ended; `awaiting_approval`: its only open runs await a decision. */
export type Busy = 'idle' | 'busy' | 'awaiting_approval';

export function admitRun(policy: ConcurrencyPolicy, busy: Busy | boolean): Admission {
  const state: Busy = busy === true ? 'busy' : busy === false ? 'idle' : busy;
  if (state === 'idle' || policy === 'allow') return { kind: 'run' };
  // forbid never stacks a second run behind one that waits for an operator's decision.
  if (policy === 'forbid') return { kind: 'skip', reason: state === 'awaiting_approval' ? AWAITING_REASON : FORBID_REASON };
  return { kind: 'replace', reason: REPLACE_REASON };
}

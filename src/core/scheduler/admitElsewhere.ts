// A request for a task of which another process has a run going (the daemon runs it, or another
// foreground `run`): `forbid` holds across processes, so the request is skipped with a reason
// that names the other run; `replace` cannot stop another process's run, so it is skipped the
// same way; `allow` runs alongside (each run's output still goes to its own section).
import type { ConcurrencyPolicy } from '../types.js';

export interface OtherRun {
  run_id: string;
  owner_pid: number | null;
  source: 'daemon' | 'foreground';
}

export type ElsewhereAdmission = { kind: 'run' } | { kind: 'skip'; reason: string };

export function admitElsewhere(policy: ConcurrencyPolicy, other: OtherRun | null): ElsewhereAdmission {
  if (other === null || policy === 'allow') return { kind: 'run' };
  const who = other.source === 'daemon' ? 'the daemon' : 'a foreground run';
  const why = policy === 'forbid' ? 'concurrency_policy forbid' : 'concurrency_policy replace cannot stop a run of another process';
  return { kind: 'skip', reason: `another run of the task is going in ${who} (run ${other.run_id}, pid ${other.owner_pid ?? '?'}): ${why}` };
}

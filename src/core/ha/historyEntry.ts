// One entry of a cluster's history stream: a run as its node recorded it (its `runs` row and
// every attempt row), so every node can keep the same history. Entries are whole snapshots, not
// changes: applying one twice, or an older one after a newer one was skipped, does no harm.
// `kind`: `own` comes from the node that owns the run (it always applies, and a node that sees
// another node publish a run as its own gives it up: the run was taken over); `inferred` comes
// from a new leader about a run of a node that lost the lease (interrupted or never started): it
// applies only where the run is still open, and the owner's own word replaces it later.
import type { RunState, RunStatus, Trigger } from '../types.js';

export interface ReplicatedRun {
  run_id: string;
  task: string;
  trigger: Trigger;
  state: RunState;
  source: 'daemon' | 'foreground';
  requested_at: number;
  fire_at: number | null;
  deadline: number | null;
  payload: string | null;
  reason: string | null;
  attempts: number;
  finished_at: number | null;
}

export interface ReplicatedAttempt {
  run_id: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  status: RunStatus;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number | null;
  reason: string | null;
  fire_at: number | null;
  worker: string | null;
}

export interface HistoryEntry {
  /** The node that published it. */
  node: string;
  kind: 'own' | 'inferred';
  /** The node whose run it is: the publisher for `own`, the node that lost the lease for `inferred`. */
  owner: string;
  /** The run's row, or null when it was pruned (its attempt rows may remain). */
  run: ReplicatedRun | null;
  attempts: ReplicatedAttempt[];
}

/** The field/value list of a stream entry (XADD). */
export function entryFields(entry: HistoryEntry): string[] {
  return ['node', entry.node, 'kind', entry.kind, 'owner', entry.owner, 'run', JSON.stringify(entry.run), 'attempts', JSON.stringify(entry.attempts)];
}

/** An entry read back from its fields, or null when it is not one of ours (a stray XADD, a newer format). */
export function entryFromFields(fields: readonly string[]): HistoryEntry | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const node = map.get('node');
  const kind = map.get('kind');
  const owner = map.get('owner');
  if (!node || !owner || (kind !== 'own' && kind !== 'inferred')) return null;
  try {
    const run = JSON.parse(map.get('run') ?? 'null') as ReplicatedRun | null;
    const attempts = JSON.parse(map.get('attempts') ?? '[]') as ReplicatedAttempt[];
    if (!Array.isArray(attempts) || (run !== null && typeof run.run_id !== 'string')) return null;
    return { node, kind, owner, run, attempts };
  } catch {
    return null;
  }
}

/** Redis stream ids (`ms-seq`) in order: true when `a` comes after `b`. */
export function streamIdAfter(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am > bm : as > bs;
}

// A task with no schedule runs when its dependencies have just succeeded (a downstream trigger,
// as in a DAG run). Asked each time one of its dependencies ends.
import type { RunStatus } from '../types.js';
import { statusWords } from './statusWords.js';

export interface UpstreamView {
  name: string;
  /** It has a run that has not ended (running, retrying, queued, waiting). */
  active: boolean;
  /** Its latest real run, or null. */
  lastRun: { status: RunStatus; startedAt: number } | null;
}

export type Downstream = { kind: 'run' } | { kind: 'skip'; reason: string } | { kind: 'not_yet' };

/**
 * `ended` is the dependency that just ended and how; `ownLastStart` is when the dependent itself
 * last started (-Infinity: never). It runs once every dependency has succeeded since then.
 */
export function downstreamReady(ended: { name: string; status: RunStatus }, upstream: UpstreamView[], ownLastStart: number): Downstream {
  if (ended.status !== 'success') return { kind: 'skip', reason: `dependency ${ended.name} ${statusWords(ended.status)}` };
  const ready = upstream.every((dep) => !dep.active && dep.lastRun?.status === 'success' && dep.lastRun.startedAt >= ownLastStart);
  return ready ? { kind: 'run' } : { kind: 'not_yet' };
}

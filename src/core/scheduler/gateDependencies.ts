// May a scheduled task run now, as far as its dependencies go? (SPEC "Dependency semantics")
// Each dependency must have succeeded in its own current period: its latest run succeeded and
// started at or after the dependency's latest scheduled fire; a dependency with no schedule, its
// latest run succeeded (ended) after the dependent's previous fire. A running or retrying dependency
// means wait; a dependency that failed for good, is disabled or paused, or did not run means skip.
import type { RunStatus } from '../types.js';
import { statusWords } from './statusWords.js';

export interface DependencyView {
  name: string;
  enabled: boolean;
  /** Paused by an operator: gated on as a disabled task is. */
  paused?: boolean;
  /** Running, retrying, queued, or itself waiting to run. */
  active: boolean;
  /** Its latest real run (attempt), or null if it never ran; `finishedAt` null while it goes. */
  lastRun: { status: RunStatus; startedAt: number; finishedAt?: number | null } | null;
  /** It has no schedule: fresh by when its run ended (SPEC: "succeeded after the dependent's previous fire"). */
  byEnd?: boolean;
  /** Start of its current period: its latest scheduled fire at or before the dependent's fire;
   *  for a dependency with no schedule, the dependent's previous fire. Null: any run counts. */
  periodStart: number | null;
}

export type Gate = { kind: 'ready' } | { kind: 'wait'; on: string } | { kind: 'skip'; reason: string };

export function gateDependencies(dependencies: DependencyView[]): Gate {
  for (const dep of dependencies) {
    if (!dep.enabled) return { kind: 'skip', reason: `dependency ${dep.name} is disabled` };
    if (dep.paused) return { kind: 'skip', reason: `dependency ${dep.name} is paused` };
  }
  for (const dep of dependencies) {
    if (dep.active) return { kind: 'wait', on: dep.name };
  }
  for (const dep of dependencies) {
    const last = dep.lastRun;
    const at = last === null ? null : dep.byEnd && last.finishedAt != null ? last.finishedAt : last.startedAt;
    if (last === null || at === null || (dep.periodStart !== null && at < dep.periodStart)) {
      const since = dep.periodStart === null ? '' : ` since ${new Date(dep.periodStart).toISOString()}`;
      return { kind: 'skip', reason: `dependency ${dep.name} did not run${since}` };
    }
    if (last.status !== 'success') return { kind: 'skip', reason: `dependency ${dep.name} ${statusWords(last.status)}` };
  }
  return { kind: 'ready' };
}

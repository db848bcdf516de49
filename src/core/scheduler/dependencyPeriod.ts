// Where a dependency's current period starts, for the dependency gate (SPEC "Dependency
// semantics"): its latest scheduled fire at or before the dependent's fire; for a dependency
// with no schedule, the dependent's previous fire; null (any run counts) when neither has one.
// Shared by the engine and simulate's fast path, so the rule is written once.
import type { Schedule } from '../schedule/cron.js';

export function dependencyPeriodStart(dependency: Schedule | null, dependent: Schedule | null, at: number): number | null {
  if (dependency) return dependency.prev(at);
  return dependent ? dependent.prev(at - 1) : null;
}

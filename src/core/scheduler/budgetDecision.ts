// May another run of a task start today? Its budget counts runs and runtime per UTC day; once
// either is spent, a fire is skipped with the reason. A run already going is never cut by it.
import { formatSeconds } from '../run/outcome.js';
import type { Budget } from '../types.js';

export interface Usage {
  /** Runs started since UTC midnight. */
  runs: number;
  /** Seconds of runtime of the attempts started since UTC midnight (running ones up to now). */
  runtimeSeconds: number;
}

export type BudgetDecision = { kind: 'ok' } | { kind: 'skip'; reason: string };

export function budgetDecision(budget: Budget | null, usage: Usage): BudgetDecision {
  if (!budget) return { kind: 'ok' };
  if (budget.max_runs_per_day !== null && usage.runs >= budget.max_runs_per_day) {
    return { kind: 'skip', reason: `budget exhausted: ${usage.runs} of ${budget.max_runs_per_day} runs used today (UTC)` };
  }
  if (budget.max_runtime_per_day !== null && usage.runtimeSeconds >= budget.max_runtime_per_day) {
    return {
      kind: 'skip',
      reason: `budget exhausted: ${formatSeconds(Math.round(usage.runtimeSeconds))} of ${formatSeconds(budget.max_runtime_per_day)} runtime used today (UTC)`,
    };
  }
  return { kind: 'ok' };
}

/** The start of the UTC day holding `now` (ms). */
export function utcDayStart(now: number): number {
  return now - (now % 86_400_000);
}

// The numbers of `report` from a period of history as SQLite aggregated it: runs per task (a
// run's outcome is its last attempt's), skipped fires counted apart, attempt durations, and the
// runs that failed for good. Pure: the aggregate in, the report's numbers out.
import type { PeriodHistory } from '../../app/homeReaders.js';

export interface TaskSummary {
  task: string;
  /** Runs with at least one attempt in the period (a run = all attempts sharing a run id). */
  runs: number;
  successes: number;
  failures: number;
  timeouts: number;
  interrupted: number;
  running: number;
  /** Fires recorded as skipped (not runs). */
  skipped: number;
  attempts: number;
  /** Median (nearest rank) and max of the finished attempts' durations; null without any. */
  p50_duration_ms: number | null;
  max_duration_ms: number | null;
}

export interface FailureItem {
  task: string;
  run_id: string;
  status: 'failed' | 'timeout';
  /** Start of the last attempt. */
  started_at: string;
  attempts: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
}

export type Totals = Omit<TaskSummary, 'task' | 'p50_duration_ms' | 'max_duration_ms'>;

export interface RunAggregate {
  totals: Totals;
  tasks: TaskSummary[];
  /** The latest failed runs (at most the limit asked of the history), oldest first. */
  failures: FailureItem[];
  /** Failed runs of the period older than those listed. */
  failures_omitted: number;
}

const OUTCOME: Readonly<Record<string, keyof Totals>> = {
  success: 'successes',
  failed: 'failures',
  timeout: 'timeouts',
  interrupted: 'interrupted',
  running: 'running',
};

/** `known` tasks (config order) are listed even without history; other tasks follow by name. */
export function summarizePeriod(history: PeriodHistory, known: string[] = []): RunAggregate {
  const byTask = new Map<string, TaskSummary>();
  const summaryOf = (task: string): TaskSummary => {
    let summary = byTask.get(task);
    if (!summary) {
      summary = { task, runs: 0, successes: 0, failures: 0, timeouts: 0, interrupted: 0, running: 0, skipped: 0, attempts: 0, p50_duration_ms: null, max_duration_ms: null };
      byTask.set(task, summary);
    }
    return summary;
  };
  for (const name of known) summaryOf(name);
  for (const count of history.counts) {
    const summary = summaryOf(count.task);
    if (count.status === 'skipped') {
      summary.skipped += count.rows;
      continue;
    }
    summary.attempts += count.rows;
    if (count.maxDurationMs !== null) summary.max_duration_ms = Math.max(summary.max_duration_ms ?? 0, count.maxDurationMs);
    if (!count.last) continue;
    summary.runs += count.rows;
    const outcome = OUTCOME[count.status];
    if (outcome) summary[outcome] += count.rows;
  }
  for (const median of history.medians) summaryOf(median.task).p50_duration_ms = median.p50DurationMs;
  const knownSet = new Set(known);
  const names = [...known, ...[...byTask.keys()].filter((name) => !knownSet.has(name)).sort()];
  const tasks = names.map((name) => byTask.get(name) as TaskSummary);
  const totals: Totals = { runs: 0, successes: 0, failures: 0, timeouts: 0, interrupted: 0, running: 0, skipped: 0, attempts: 0 };
  for (const t of tasks) for (const key of Object.keys(totals) as (keyof Totals)[]) totals[key] += t[key];
  const failures = history.latestFailures
    .map((f) => ({
      task: f.task,
      run_id: f.run_id,
      status: f.status,
      started_at: new Date(f.startedAt).toISOString(),
      attempts: Math.max(f.attempts, f.attempt),
      exit_code: f.exit_code,
      signal: f.signal,
      reason: f.reason,
    }))
    .reverse();
  return { totals, tasks, failures, failures_omitted: totals.failures + totals.timeouts - failures.length };
}

// The numbers of `report`: history rows of a period grouped into runs per task (a run's outcome
// is its last attempt's), skipped fires counted apart, attempt durations, and the runs that
// failed for good. Pure: rows in, summary out.
import type { RunRecord, RunStatus } from '../../core/types.js';

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
  /** Median and max of the finished attempts' durations; null without any. */
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
  /** Oldest first. */
  failures: FailureItem[];
}

/**
 * Groups rows (oldest first, as RunStore.since gives them). `known` tasks (config order) are
 * listed even without rows; other tasks found in the rows follow by name.
 */
export function aggregateRuns(rows: RunRecord[], known: string[] = []): RunAggregate {
  const byTask = new Map<string, RunRecord[]>();
  for (const name of known) byTask.set(name, []);
  for (const row of rows) {
    const list = byTask.get(row.task);
    if (list) list.push(row);
    else byTask.set(row.task, [row]);
  }
  const knownSet = new Set(known);
  const names = [...known, ...[...byTask.keys()].filter((n) => !knownSet.has(n)).sort()];
  const tasks: TaskSummary[] = [];
  const failures: FailureItem[] = [];
  for (const name of names) {
    const summary = summarizeTask(name, byTask.get(name) ?? []);
    tasks.push(summary.task);
    failures.push(...summary.failures);
  }
  failures.sort((a, b) => a.started_at.localeCompare(b.started_at));
  const totals: Totals = { runs: 0, successes: 0, failures: 0, timeouts: 0, interrupted: 0, running: 0, skipped: 0, attempts: 0 };
  for (const t of tasks) for (const key of Object.keys(totals) as (keyof Totals)[]) totals[key] += t[key];
  return { totals, tasks, failures };
}

function summarizeTask(task: string, rows: RunRecord[]): { task: TaskSummary; failures: FailureItem[] } {
  const summary: TaskSummary = {
    task,
    runs: 0,
    successes: 0,
    failures: 0,
    timeouts: 0,
    interrupted: 0,
    running: 0,
    skipped: 0,
    attempts: 0,
    p50_duration_ms: null,
    max_duration_ms: null,
  };
  const lastAttempt = new Map<string, { row: RunRecord; count: number }>();
  const durations: number[] = [];
  for (const row of rows) {
    if (row.status === 'skipped') {
      summary.skipped += 1;
      continue;
    }
    summary.attempts += 1;
    if (row.status !== 'running' && row.duration_ms !== null) durations.push(row.duration_ms);
    const seen = lastAttempt.get(row.run_id);
    if (!seen) lastAttempt.set(row.run_id, { row, count: 1 });
    else lastAttempt.set(row.run_id, { row: row.attempt >= seen.row.attempt ? row : seen.row, count: seen.count + 1 });
  }
  const failures: FailureItem[] = [];
  for (const { row, count } of lastAttempt.values()) {
    summary.runs += 1;
    countOutcome(summary, row.status);
    if (row.status === 'failed' || row.status === 'timeout') {
      failures.push({
        task,
        run_id: row.run_id,
        status: row.status,
        started_at: row.started_at,
        attempts: Math.max(count, row.attempt),
        exit_code: row.exit_code,
        signal: row.signal,
        reason: row.reason,
      });
    }
  }
  durations.sort((a, b) => a - b);
  summary.p50_duration_ms = percentile(durations, 0.5);
  summary.max_duration_ms = durations.length > 0 ? (durations[durations.length - 1] ?? null) : null;
  return { task: summary, failures };
}

function countOutcome(summary: TaskSummary, status: RunStatus): void {
  if (status === 'success') summary.successes += 1;
  else if (status === 'failed') summary.failures += 1;
  else if (status === 'timeout') summary.timeouts += 1;
  else if (status === 'interrupted') summary.interrupted += 1;
  else if (status === 'running') summary.running += 1;
}

/** Nearest-rank percentile of sorted values: the smallest value with at least q of them at or below it. */
export function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

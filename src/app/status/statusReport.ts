// What `status --json` prints and `GET /api/v1/status` answers: one function over a StatusView,
// which is either the daemon's live state (from memory, but for a few indexed reads of the
// history: recent results, budgets, watch counts) or, from the CLI, the files and the history of
// a home read cold.
import type { Config, Health, RunRecord, Task } from '../../core/types.js';
import type { ExecutorState } from '../../ports/executor.js';
import type { WatchCounts } from '../../ports/watchFileStore.js';
import type { DaemonState } from '../daemonState.js';

export interface TaskStatus {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  next_run: string | null;
  last_run: RunRecord | null;
  health: Health | null;
  /** Paused by an operator (its fires are recorded skipped); a field added to the SPEC's task object. */
  paused: boolean;
  /** Only for a task with a budget: what today (UTC) has used of it. */
  budget?: { runtime_used_s: number; runs_used: number; max_runtime_per_day: number | null; max_runs_per_day: number | null };
  /** A watch task's files (spec/triggers.md): processed and failed count since the daemon started. */
  watch?: { path: string } & WatchCounts;
}

export interface AwaitingApproval {
  run_id: string;
  task: string;
  since: string;
  message: string | null;
  expires_at: string | null;
}

export interface StatusReport {
  daemon: DaemonState;
  tasks: TaskStatus[];
  awaiting_approval: AwaitingApproval[];
  recent_results: RunRecord[];
  /** Only with the queue executor: Redis and the workers. */
  executor?: ExecutorState;
}

export const RECENT_RESULTS = 20;

/** Where the answers come from; `now` is the caller's clock. */
export interface StatusView {
  config: Config;
  daemon(): DaemonState;
  timezone(task: string): string;
  nextRun(task: string, now: number): number | null;
  lastRun(task: string): RunRecord | null;
  health(task: string): Health | null;
  paused(task: string): boolean;
  recent(limit: number): RunRecord[];
  /** Runs awaiting an operator's decision, oldest first. */
  awaiting(): { run_id: string; task: string; since: number; expires_at: number | null }[];
  /** What today (UTC) has used of a task's budget. */
  usage(task: string, now: number): { runs: number; runtimeSeconds: number };
  /** The remote executor's state, when there is one. */
  executor?(): ExecutorState | null;
  /** A watch task's file counts; processed and failed since `since` (ms: the daemon's start, 0 without one). */
  watchCounts?(task: string, since: number): WatchCounts;
}

const NO_FILES: WatchCounts = { pending: 0, running: 0, processed: 0, failed: 0 };

export function buildStatusReport(view: StatusView, now: number): StatusReport {
  const tasks = view.config.tasks.map((task) => taskStatus(view, task, now));
  const executor = view.executor?.() ?? null;
  return {
    daemon: view.daemon(),
    tasks,
    awaiting_approval: awaitingApproval(view),
    recent_results: view.recent(RECENT_RESULTS),
    ...(executor ? { executor } : {}),
  };
}

/** One task's entry of the report. */
export function taskStatus(view: StatusView, task: Task, now: number): TaskStatus {
  const next = view.nextRun(task.name, now);
  const status: TaskStatus = {
    name: task.name,
    enabled: task.enabled,
    schedule: task.schedule,
    timezone: view.timezone(task.name),
    next_run: next === null ? null : new Date(next).toISOString(),
    last_run: view.lastRun(task.name),
    health: view.health(task.name),
    paused: view.paused(task.name),
  };
  if (task.watch) status.watch = { path: task.watch.path, ...(view.watchCounts?.(task.name, daemonSince(view)) ?? NO_FILES) };
  if (task.budget) {
    const used = view.usage(task.name, now);
    status.budget = {
      runtime_used_s: Math.round(used.runtimeSeconds),
      runs_used: used.runs,
      max_runtime_per_day: task.budget.max_runtime_per_day,
      max_runs_per_day: task.budget.max_runs_per_day,
    };
  }
  return status;
}

/** Since when a watch task's processed and failed files count: the daemon's start (0 without one). */
function daemonSince(view: StatusView): number {
  const daemon = view.daemon();
  return daemon.running && daemon.since ? Date.parse(daemon.since) : 0;
}

function awaitingApproval(view: StatusView): AwaitingApproval[] {
  const messages = new Map(view.config.tasks.map((t) => [t.name, t.approval?.message ?? null]));
  return view.awaiting().map((run) => ({
    run_id: run.run_id,
    task: run.task,
    since: new Date(run.since).toISOString(),
    message: messages.get(run.task) ?? null,
    expires_at: run.expires_at === null ? null : new Date(run.expires_at).toISOString(),
  }));
}

/**
 * The same report as compact JSON text, each task's part made by `taskJson` (the daemon keeps
 * them, made by taskStatus, until something of that task changes: 1000 tasks are ~0.5 MB).
 */
export function statusReportJson(view: StatusView, taskJson: (task: Task) => string): string {
  const tasks = view.config.tasks.map(taskJson).join(',');
  const executor = view.executor?.() ?? null;
  return `{"daemon":${JSON.stringify(view.daemon())},"tasks":[${tasks}],"awaiting_approval":${JSON.stringify(awaitingApproval(view))},"recent_results":${JSON.stringify(view.recent(RECENT_RESULTS))}${executor ? `,"executor":${JSON.stringify(executor)}` : ''}}`;
}

// What `status --json` prints and `GET /api/v1/status` answers: one function over a StatusView,
// which is either the daemon's live state (served without any I/O) or, from the CLI, the files
// and the history of a home read cold.
import type { Config, Health, RunRecord, Task } from '../../core/types.js';
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
}

export interface StatusReport {
  daemon: DaemonState;
  tasks: TaskStatus[];
  recent_results: RunRecord[];
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
}

export function buildStatusReport(view: StatusView, now: number): StatusReport {
  const tasks = view.config.tasks.map((task) => taskStatus(view, task, now));
  return { daemon: view.daemon(), tasks, recent_results: view.recent(RECENT_RESULTS) };
}

/** One task's entry of the report. */
export function taskStatus(view: StatusView, task: Task, now: number): TaskStatus {
  const next = view.nextRun(task.name, now);
  return {
    name: task.name,
    enabled: task.enabled,
    schedule: task.schedule,
    timezone: view.timezone(task.name),
    next_run: next === null ? null : new Date(next).toISOString(),
    last_run: view.lastRun(task.name),
    health: view.health(task.name),
    paused: view.paused(task.name),
  };
}

/**
 * The same report as compact JSON text, each task's part made by `taskJson` (the daemon keeps
 * them, made by taskStatus, until something of that task changes: 1000 tasks are ~0.5 MB).
 */
export function statusReportJson(view: StatusView, taskJson: (task: Task) => string): string {
  const tasks = view.config.tasks.map(taskJson).join(',');
  return `{"daemon":${JSON.stringify(view.daemon())},"tasks":[${tasks}],"recent_results":${JSON.stringify(view.recent(RECENT_RESULTS))}}`;
}

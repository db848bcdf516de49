// What `status --json` prints and `GET /api/v1/status` answers: one function over a StatusView,
// which is either the daemon's live state (served without any I/O) or, from the CLI, the files
// and the history of a home read cold.
import type { Config, Health, RunRecord } from '../../core/types.js';
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
  /** A watch task's files (spec/triggers.md): processed and failed count since the daemon started. */
  watch?: { path: string } & WatchCounts;
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
  recent(limit: number): RunRecord[];
  /** A watch task's file counts; processed and failed since `since` (ms: the daemon's start, 0 without one). */
  watchCounts?(task: string, since: number): WatchCounts;
}

const NO_FILES: WatchCounts = { pending: 0, running: 0, processed: 0, failed: 0 };

export function buildStatusReport(view: StatusView, now: number): StatusReport {
  const daemon = view.daemon();
  const since = daemon.running && daemon.since ? Date.parse(daemon.since) : 0;
  const tasks = view.config.tasks.map((task): TaskStatus => {
    const next = view.nextRun(task.name, now);
    const watch = task.watch ? { watch: { path: task.watch.path, ...(view.watchCounts?.(task.name, since) ?? NO_FILES) } } : {};
    return {
      name: task.name,
      enabled: task.enabled,
      schedule: task.schedule,
      timezone: view.timezone(task.name),
      next_run: next === null ? null : new Date(next).toISOString(),
      last_run: view.lastRun(task.name),
      health: view.health(task.name),
      ...watch,
    };
  });
  return { daemon, tasks, recent_results: view.recent(RECENT_RESULTS) };
}

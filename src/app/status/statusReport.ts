// What `status --json` prints and `GET /api/v1/status` answers: one function over a StatusView,
// which is either the daemon's live state (served without any I/O) or, from the CLI, the files
// and the history of a home read cold.
import type { Config, Health, RunRecord } from '../../core/types.js';
import type { ExecutorState } from '../../ports/executor.js';
import type { DaemonState } from '../daemonState.js';

export interface TaskStatus {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  next_run: string | null;
  last_run: RunRecord | null;
  health: Health | null;
  /** Only for a task with a budget: what today (UTC) has used of it. */
  budget?: { runtime_used_s: number; runs_used: number; max_runtime_per_day: number | null; max_runs_per_day: number | null };
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
  /** Only with the queue executor: its connection to Redis and the workers. */
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
  recent(limit: number): RunRecord[];
  /** Runs awaiting an operator's decision, oldest first. */
  awaiting(): { run_id: string; task: string; since: number; expires_at: number | null }[];
  /** What today (UTC) has used of a task's budget. */
  usage(task: string, now: number): { runs: number; runtimeSeconds: number };
  /** The remote executor's state, when there is one. */
  executor?(): ExecutorState | null;
}

export function buildStatusReport(view: StatusView, now: number): StatusReport {
  const messages = new Map(view.config.tasks.map((t) => [t.name, t.approval?.message ?? null]));
  const tasks = view.config.tasks.map((task): TaskStatus => {
    const next = view.nextRun(task.name, now);
    const status: TaskStatus = {
      name: task.name,
      enabled: task.enabled,
      schedule: task.schedule,
      timezone: view.timezone(task.name),
      next_run: next === null ? null : new Date(next).toISOString(),
      last_run: view.lastRun(task.name),
      health: view.health(task.name),
    };
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
  });
  const awaiting_approval = view.awaiting().map((run) => ({
    run_id: run.run_id,
    task: run.task,
    since: new Date(run.since).toISOString(),
    message: messages.get(run.task) ?? null,
    expires_at: run.expires_at === null ? null : new Date(run.expires_at).toISOString(),
  }));
  const executor = view.executor?.() ?? null;
  return { daemon: view.daemon(), tasks, awaiting_approval, recent_results: view.recent(RECENT_RESULTS), ...(executor ? { executor } : {}) };
}

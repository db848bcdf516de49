// `status`: the daemon, every task (schedule, next run, last run, health) and recent results.
// Works whether or not the daemon runs, and on a home where nothing has run yet.
import { createHealthStore } from '../adapters/fsHealthStore.js';
import { openRunStore } from '../adapters/sqlite/sqliteRunStore.js';
import { compileSchedule, resolveTimezone } from '../core/schedule/cron.js';
import type { Health, RunRecord } from '../core/types.js';
import { readDaemonState, type DaemonState } from './daemonState.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';

export interface TaskStatus {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  next_run: string | null;
  last_run: RunRecord | null;
  health: Health | null;
}

export interface StatusReport {
  daemon: DaemonState;
  tasks: TaskStatus[];
  recent_results: RunRecord[];
}

export const RECENT_RESULTS = 20;

export function buildStatus(paths: HomePaths, now: number): StatusReport {
  const { config } = loadConfig(paths.config);
  const store = openRunStore(paths.database, { create: false });
  try {
    const health = createHealthStore(paths.healthDir);
    const tasks = config.tasks.map((task): TaskStatus => {
      const timezone = resolveTimezone(task.timezone, config.settings.timezone);
      const next = task.enabled && task.schedule ? compileSchedule(task.schedule, timezone).next(now) : null;
      return {
        name: task.name,
        enabled: task.enabled,
        schedule: task.schedule,
        timezone,
        next_run: next === null ? null : new Date(next).toISOString(),
        last_run: store.lastRun(task.name),
        health: health.read(task.name),
      };
    });
    return { daemon: readDaemonState(paths, store), tasks, recent_results: store.history({ limit: RECENT_RESULTS }) };
  } finally {
    store.close();
  }
}

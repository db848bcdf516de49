// `status` from the CLI: the config, the history (read-only, one query for all last runs), the
// health files and the daemon lock of a home, read cold. Works whether or not the daemon runs,
// and on a home where nothing has run yet.
import fs from 'node:fs';
import { createHealthStore } from '../../adapters/fsHealthStore.js';
import { openRunStore } from '../../adapters/sqlite/sqliteRunStore.js';
import { utcDayStart } from '../../core/scheduler/budgetDecision.js';
import { buildTaskTable } from '../../core/scheduler/taskTable.js';
import type { Config } from '../../core/types.js';
import { readDaemonState } from '../daemonState.js';
import { loadConfig } from '../loadConfig.js';
import type { HomePaths } from '../paths.js';
import { buildStatusReport, type StatusReport } from './statusReport.js';

export function coldStatus(paths: HomePaths, now: number, config: Config = loadConfig(paths.config).config): StatusReport {
  const store = openRunStore(paths.database, { create: false });
  try {
    const table = buildTaskTable(config, { dag: false });
    const health = createHealthStore(paths.healthDir);
    // One listing of the folder instead of a failed open per task that never ran.
    const written = healthFilesIn(paths.healthDir);
    const lastRuns = store.lastRuns(config.tasks.map((t) => t.name));
    const paused = store.pausedTasks();
    return buildStatusReport(
      {
        config,
        daemon: () => readDaemonState(paths, store),
        timezone: (task) => table.entries.get(task)?.timezone ?? 'UTC',
        nextRun: (task, at) => {
          const entry = table.entries.get(task);
          return entry?.task.enabled && entry.schedule ? entry.schedule.next(at) : null;
        },
        lastRun: (task) => lastRuns.get(task) ?? null,
        health: (task) => (written === null || written.has(`${task}.health`) ? health.read(task) : null),
        paused: (task) => paused.has(task),
        recent: (limit) => store.history({ limit }),
        awaiting: () =>
          store
            .openRuns()
            .filter((run) => run.state === 'awaiting_approval')
            .map((run) => ({ run_id: run.run_id, task: run.task, since: run.requested_at, expires_at: run.deadline })),
        usage: (task, at) => store.usageSince(task, utcDayStart(at), at),
        watchCounts: (task, since) => store.watchFiles.counts(task, since),
      },
      now,
    );
  } finally {
    store.close();
  }
}

/** The names in the health folder, or null when it cannot be listed (then each file is tried). */
function healthFilesIn(dir: string): Set<string> | null {
  try {
    return new Set(fs.readdirSync(dir));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : null;
  }
}

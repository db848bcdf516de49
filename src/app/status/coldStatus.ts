// `status` from the CLI: the config, the history (read-only, one query for all last runs), the
// health files and the daemon lock of a home, read cold. Works whether or not the daemon runs,
// and on a home where nothing has run yet.
import { createHealthStore } from '../../adapters/fsHealthStore.js';
import { openRunStore } from '../../adapters/sqlite/sqliteRunStore.js';
import { buildTaskTable } from '../../core/scheduler/taskTable.js';
import { readDaemonState } from '../daemonState.js';
import { loadConfig } from '../loadConfig.js';
import type { HomePaths } from '../paths.js';
import { buildStatusReport, type StatusReport } from './statusReport.js';

export function coldStatus(paths: HomePaths, now: number): StatusReport {
  const { config } = loadConfig(paths.config);
  const store = openRunStore(paths.database, { create: false });
  try {
    const table = buildTaskTable(config);
    const health = createHealthStore(paths.healthDir);
    const lastRuns = store.lastRuns(config.tasks.map((t) => t.name));
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
        health: (task) => health.read(task),
        recent: (limit) => store.history({ limit }),
        watchCounts: (task, since) => store.watchFiles.counts(task, since),
      },
      now,
    );
  } finally {
    store.close();
  }
}

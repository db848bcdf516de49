// What the maintenance tools read from a home (the config, the history, the health files),
// through the app layer: maintenance never opens an adapter itself, so the store and the
// engine can change behind these few functions.
import { createHealthStore } from '../adapters/fsHealthStore.js';
import { queryPeriodHistory, type PeriodHistory, type PeriodQuery } from '../adapters/sqlite/historyQueries.js';
import { openRunStore } from '../adapters/sqlite/sqliteRunStore.js';
import type { Health } from '../core/types.js';
import type { RunStore } from '../ports/runStore.js';
import { loadConfig, type LoadedConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';

/** The home's config, read, parsed and validated (a ConductorError, exit 1, when it is not). */
export function readHomeConfig(paths: HomePaths): LoadedConfig {
  return loadConfig(paths.config);
}

/** The RunStore's read side, as much of it as maintenance needs (the lead keeps these signatures). */
export type HistoryReader = Pick<RunStore, 'history' | 'since' | 'lastRun' | 'lastWithStatus' | 'getRun'>;

/**
 * Runs `read` on the home's history, opened for the call and closed after it. A home without a
 * database reads as an empty history and nothing is created.
 */
export function readHistory<T>(paths: HomePaths, read: (store: HistoryReader) => T): T {
  const store = openRunStore(paths.database, { create: false });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

export type { FailedRun, PeriodHistory, StatusCount, TaskMedian } from '../adapters/sqlite/historyQueries.js';

/**
 * A period of the home's history, aggregated by SQLite (counts per task and run outcome, median
 * durations, the latest failed runs): what `report` needs, in memory that does not grow with the
 * history. A home without a database has an empty history, and nothing is created.
 */
export function readPeriodHistory(paths: HomePaths, query: PeriodQuery): PeriodHistory {
  return queryPeriodHistory(paths.database, query);
}

/** A reader of the tasks' health files (`status/automation_health/<task>.health`). */
export function healthFileReader(paths: HomePaths): (task: string) => Health | null {
  const store = createHealthStore(paths.healthDir);
  return (task) => store.read(task);
}

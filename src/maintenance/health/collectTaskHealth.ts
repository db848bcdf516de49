// Reads what is on record for every task of the home (config, history, health files) and
// assesses each at `now`. The only file of the health feature that reads the history.
import { healthFileReader, readHistory, readHomeConfig, type HistoryReader } from '../../app/homeReaders.js';
import type { HomePaths } from '../../app/paths.js';
import { compileSchedule, resolveTimezone } from '../../core/schedule/cron.js';
import { assessTask, type TaskHealth } from './assessTask.js';

/** How many rows back we look for a task's first row when it has no success on record. */
const FIRST_SEEN_LOOKBACK = 500;

/** Every configured task, in config order, assessed at `now`. */
export function collectTaskHealth(paths: HomePaths, now: number): TaskHealth[] {
  const { config } = readHomeConfig(paths);
  const readHealth = healthFileReader(paths);
  return readHistory(paths, (store) =>
    config.tasks.map((task) => {
      const timezone = resolveTimezone(task.timezone, config.settings.timezone);
      const lastSuccess = store.lastWithStatus(task.name, 'success');
      return assessTask(
        {
          name: task.name,
          enabled: task.enabled,
          schedule: task.schedule,
          timezone,
          compiled: task.schedule ? compileSchedule(task.schedule, timezone) : null,
          facts: {
            lastRun: store.lastRun(task.name),
            lastSuccess,
            firstSeenMs: lastSuccess ? null : firstSeenMs(store, task.name),
            health: readHealth(task.name),
          },
        },
        now,
      );
    }),
  );
}

/**
 * The oldest of the task's latest rows. When it has more rows than we look at, the true first
 * row is older still, which can only make a "stale" answer more certain.
 */
function firstSeenMs(store: HistoryReader, task: string): number | null {
  const rows = store.history({ task, limit: FIRST_SEEN_LOOKBACK });
  const oldest = rows[rows.length - 1];
  return oldest ? Date.parse(oldest.started_at) : null;
}

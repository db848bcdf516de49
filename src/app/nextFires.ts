// `next`: upcoming fire times of scheduled, enabled tasks, each in its own timezone.
import { ConductorError } from '../core/errors.js';
import { compileSchedule, formatInZone, parseInstant, resolveTimezone } from '../core/schedule/cron.js';
import type { Config } from '../core/types.js';
import { findTask } from './selectTasks.js';

export interface NextFire {
  task: string;
  at: string;
}

export function nextFires(config: Config, options: { task?: string; count: number; from?: string; now: number }): NextFire[] {
  const named = options.task ? findTask(config, options.task) : null;
  const tasks = named ? [named] : config.tasks.filter((t) => t.enabled && t.schedule);
  // One instant for every task: without an offset, `--from` is read in the named task's zone,
  // else in the settings' (README), not in each task's own (which would list, for a task in
  // Tokyo, fires before the instant meant).
  let from = options.now;
  if (options.from !== undefined) {
    const parsed = parseInstant(options.from, resolveTimezone(named?.timezone ?? null, config.settings.timezone));
    if (parsed === null) {
      throw new ConductorError('USAGE', `--from: "${options.from}" is not an ISO 8601 time (e.g. 2025-06-02T10:00:00Z)`);
    }
    from = parsed;
  }
  const fires: NextFire[] = [];
  for (const task of tasks) {
    // A disabled task does not fire, named or not (status shows its next_run as null).
    if (!task.schedule || !task.enabled) continue;
    const zone = resolveTimezone(task.timezone, config.settings.timezone);
    const schedule = compileSchedule(task.schedule, zone);
    let after = from;
    for (let i = 0; i < options.count; i++) {
      const next = schedule.next(after);
      if (next === null) break;
      fires.push({ task: task.name, at: formatInZone(next, zone) });
      after = next;
    }
  }
  return fires;
}

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
  const tasks = options.task ? [findTask(config, options.task)] : config.tasks.filter((t) => t.enabled && t.schedule);
  const fires: NextFire[] = [];
  for (const task of tasks) {
    // A disabled task does not fire, named or not (status shows its next_run as null).
    if (!task.schedule || !task.enabled) continue;
    const zone = resolveTimezone(task.timezone, config.settings.timezone);
    let after = options.now;
    if (options.from !== undefined) {
      const parsed = parseInstant(options.from, zone);
      if (parsed === null) {
        throw new ConductorError('USAGE', `--from: "${options.from}" is not an ISO 8601 time (e.g. 2025-06-02T10:00:00Z)`);
      }
      after = parsed;
    }
    const schedule = compileSchedule(task.schedule, zone);
    for (let i = 0; i < options.count; i++) {
      const next = schedule.next(after);
      if (next === null) break;
      fires.push({ task: task.name, at: formatInZone(next, zone) });
      after = next;
    }
  }
  return fires;
}

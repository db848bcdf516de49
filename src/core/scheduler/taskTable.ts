// The config as the scheduler reads it: each task with its compiled schedule, its zone and its
// place in the DAG order, and who depends on whom. Built once per config (start, reload).
import { dependentsIndex } from '../dag/closure.js';
import { topoOrder } from '../dag/topoOrder.js';
import { compileSchedule, resolveTimezone, type Schedule } from '../schedule/cron.js';
import type { Config, Task } from '../types.js';

export interface TaskEntry {
  task: Task;
  /** Null for a task with no schedule (it runs after its dependencies, or when asked). */
  schedule: Schedule | null;
  timezone: string;
  /** Position in the DAG order: dependencies come first. */
  order: number;
}

export interface TaskTable {
  entries: Map<string, TaskEntry>;
  /** For each task, the tasks that list it as a dependency, in config order. */
  dependents: Map<string, string[]>;
}

/** `dag: false` leaves out the DAG order and the dependents (status needs neither). */
export function buildTaskTable(config: Config, options: { dag?: boolean } = {}): TaskTable {
  const dag = options.dag ?? true;
  const order = new Map(dag ? topoOrder(config.tasks).map((name, index) => [name, index]) : []);
  const entries = new Map<string, TaskEntry>();
  for (const task of config.tasks) {
    const timezone = resolveTimezone(task.timezone, config.settings.timezone);
    entries.set(task.name, {
      task,
      schedule: task.schedule ? compileSchedule(task.schedule, timezone) : null,
      timezone,
      order: order.get(task.name) ?? 0,
    });
  }
  return { entries, dependents: dag ? dependentsIndex(config.tasks) : new Map() };
}

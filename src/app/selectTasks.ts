// Which tasks a foreground `run` covers, in DAG order, and which of their dependencies cannot run.
import { ConductorError } from '../core/errors.js';
import { upstreamOf } from '../core/dag/closure.js';
import { topoOrder } from '../core/dag/topoOrder.js';
import { closeNames } from '../core/text/editDistance.js';
import type { Config, Task } from '../core/types.js';

export interface Selection {
  tasks: Task[];
  unavailable: Map<string, string>;
}

export function findTask(config: Config, name: string): Task {
  const task = config.tasks.find((t) => t.name === name);
  if (task) return task;
  const names = config.tasks.map((t) => t.name);
  const close = closeNames(name, names);
  const hint = close.length > 0 ? ` (did you mean ${close.map((n) => `"${n}"`).join(', ')}?)` : ` (tasks: ${names.join(', ') || 'none'})`;
  throw new ConductorError('UNKNOWN_TASK', `no task named "${name}" in the config${hint}`);
}

/**
 * Why a task cannot run once as part of a DAG run, or null: disabled, or a watch task with no
 * schedule (its runs are per file: `run --task NAME` processes its folder).
 */
function notRunnable(task: Task): string | null {
  if (!task.enabled) return 'is disabled';
  if (task.watch && !task.schedule) return `watches a folder (run --task ${task.name} processes its files)`;
  return null;
}

/** `run --all`: every enabled task; dependents of disabled ones (and of watch-only ones) are skipped. */
export function selectAll(config: Config): Selection {
  const byName = new Map(config.tasks.map((t) => [t.name, t]));
  const unavailable = new Map<string, string>();
  for (const task of config.tasks) {
    const why = notRunnable(task);
    if (why) unavailable.set(task.name, why);
  }
  const tasks = topoOrder(config.tasks)
    .map((name) => byName.get(name) as Task)
    .filter((task) => !unavailable.has(task.name));
  return { tasks, unavailable };
}

/** `run --task X [--with-deps]`: X alone, or X after its whole upstream. */
export function selectTask(config: Config, name: string, withDeps: boolean): Selection {
  const task = findTask(config, name);
  if (!task.enabled) {
    throw new ConductorError('USAGE', `task "${name}" is disabled in the config; enable it to run it`);
  }
  if (!withDeps) return { tasks: [task], unavailable: new Map() };
  const upstream = upstreamOf(config.tasks, name);
  const selected = config.tasks.filter((t) => upstream.has(t.name));
  const byName = new Map(selected.map((t) => [t.name, t]));
  const unavailable = new Map<string, string>();
  for (const t of selected) {
    const why = t.name === name ? null : notRunnable(t);
    if (why) unavailable.set(t.name, why);
  }
  const tasks = topoOrder(selected)
    .map((n) => byName.get(n) as Task)
    .filter((t) => !unavailable.has(t.name));
  return { tasks, unavailable };
}

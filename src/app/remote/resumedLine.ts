// What `resume --task` tells: what the pause held that now comes again, for the task as the daemon
// runs it (its fires, its watched files, its webhook, its dependency trigger), not "it fires on its
// schedule" for a task that has none.
import type { Task } from '../../core/types.js';

export type ResumedTask = Pick<Task, 'schedule' | 'watch' | 'webhook' | 'dependencies'>;

/** The line for a resumed task; `task` null when the daemon could not say what the task is. */
export function resumedLine(name: string, task: ResumedTask | null): string {
  if (!task) return `resumed ${name}`;
  const comes: string[] = [];
  if (task.schedule) comes.push('it fires on its schedule again');
  if (task.watch) comes.push(`the files waiting in its folder (${task.watch.path}) run now, and new ones as they come`);
  if (task.webhook) comes.push('its webhook starts runs again');
  if (!task.schedule && task.dependencies.length > 0) comes.push('it runs again when its dependencies succeed');
  if (comes.length === 0) return `resumed ${name}: it has no schedule, folder or webhook, so nothing was held; it runs when asked (run --task, the API)`;
  return `resumed ${name}: ${comes.join('; ')}`;
}

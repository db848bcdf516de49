// What `pause --task` and `resume --task` tell: what the pause holds or skips, and what comes
// again, for the task as the daemon runs it (its fires, its watched files, its webhook, its
// dependency trigger), not "its fires" for a task that has no schedule.
import type { Task } from '../../core/types.js';

export type ResumedTask = Pick<Task, 'schedule' | 'watch' | 'webhook' | 'dependencies'> & Partial<Pick<Task, 'enabled'>>;

/** A few names, then how many more. */
function few(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/** The line for a resumed task; `task` null when the daemon could not say what the task is; `dependents`: the tasks that depend on it. */
export function resumedLine(name: string, task: ResumedTask | null, dependents: readonly string[] = []): string {
  if (!task) return `resumed ${name}`;
  if (task.enabled === false) return `resumed ${name}: it is disabled in the config, so nothing of it runs until it is enabled`;
  const comes: string[] = [];
  if (task.schedule) comes.push('it fires on its schedule again');
  if (task.watch) comes.push(`the files waiting in its folder (${task.watch.path}) run now, and new ones as they come`);
  if (task.webhook) comes.push('its webhook starts runs again');
  if (!task.schedule && task.dependencies.length > 0) comes.push('it runs again when its dependencies succeed');
  if (dependents.length > 0) comes.push(`its dependents (${few(dependents)}) are gated on it again, not skipped`);
  if (comes.length === 0) return `resumed ${name}: it has no schedule, folder or webhook, so nothing was held; it runs when asked (run --task, the API)`;
  return `resumed ${name}: ${comes.join('; ')}`;
}

/** The line for a paused task; `task` null when the daemon could not say what the task is; `dependents`: the tasks that depend on it. */
export function pausedLine(name: string, task: ResumedTask | null, dependents: readonly string[] = []): string {
  const until = `until \`resume --task ${name}\`; it can still be run by hand`;
  if (!task) return `paused ${name}: what it is not asked for by hand is held or recorded skipped (reason "paused") ${until}`;
  if (task.enabled === false) return `paused ${name}: it is disabled in the config, so nothing of it runs anyway; the pause is kept for when it is enabled`;
  const held: string[] = [];
  if (task.schedule) held.push('its fires are recorded skipped (reason "paused")');
  if (task.watch) held.push(`files dropped in its folder (${task.watch.path}) wait there`);
  if (task.webhook) held.push('its webhook deliveries are recorded skipped (reason "paused")');
  if (!task.schedule && task.dependencies.length > 0) held.push('the runs its dependencies set off are recorded skipped (reason "paused")');
  // A paused task gates its dependents as a disabled one (http.md), a run of it by hand included.
  if (dependents.length > 0) held.push(`its dependents (${few(dependents)}) are recorded skipped when they would run (reason "dependency ${name} is paused")`);
  if (held.length === 0) return `paused ${name}: it has no schedule, folder or webhook, so nothing comes to hold; it can still be run by hand`;
  return `paused ${name}: ${held.join('; ')} ${until}`;
}

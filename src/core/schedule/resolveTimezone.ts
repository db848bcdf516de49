// Which zone a task's schedule is read in: the task's own, else the settings', else the system's.
import { systemTimezone } from './systemTimezone.js';

/** The first zone given (null or '' means not given), falling back to the system zone. */
export function resolveTimezone(taskZone: string | null, settingsZone: string | null): string {
  if (taskZone) return taskZone;
  if (settingsZone) return settingsZone;
  return systemTimezone();
}

// The zone a job's schedule is read in, from the environment lines above it: CRON_TZ (cronie's
// variable for exactly this) wins, then TZ; neither means the machine's zone, as cron's. POSIX's
// leading colon (`TZ=:Europe/Berlin`) is dropped. An empty value unsets it, as in the shell.
import { checkTimezone } from '../schedule/checkTimezone.js';

export type JobZone =
  | { readonly zone: string | null }
  | { readonly problem: string };

/** The zone for a job given the settings in force (`line` is where each was set). */
export function timezoneFromEnv(env: ReadonlyMap<string, { value: string; line: number }>): JobZone {
  for (const name of ['CRON_TZ', 'TZ']) {
    const setting = env.get(name);
    if (!setting || setting.value === '') continue;
    const zone = setting.value.replace(/^:/, '');
    const problem = checkTimezone(zone);
    if (problem) return { problem: `${name} on line ${setting.line}: ${problem}` };
    return { zone };
  }
  return { zone: null };
}

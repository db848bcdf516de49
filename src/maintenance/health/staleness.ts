// When a task is stale: "no success within two periods of its schedule", decided from fixed
// instants (time is an argument). Shared by `health-check` and `automation-health`.
//
// The rule. Let p1 be the latest fire at or before now, p2 the fire before p1, p3 the fire
// before p2. The run for p1 may still be going, so the periods that must have produced a
// success are the two whole ones before it, [p3, p2) and [p2, p1). A task is stale when no
// success started at or after p3. So one failed or missed fire is tolerated (the task is then
// reported `failed`, not stale); two in a row make it stale, and a stale task has gone more
// than two periods without a success.
//   - a task with no success on record is judged by the first row recorded for it (any status,
//     skipped fires too): stale when that row is older than p3; with no row at all it has never
//     run, which is not stale (a fresh install or a new task is not broken);
//   - disabled and unscheduled tasks, and schedules with fewer than three past fires, are
//     never stale.
import type { Schedule } from '../../core/schedule/cron.js';

export interface StalenessInput {
  enabled: boolean;
  schedule: Schedule | null;
  /** Start of the latest successful attempt (ms), or null. */
  lastSuccessMs: number | null;
  /** Start of the oldest row recorded for the task (ms), or null when it has none. */
  firstSeenMs: number | null;
}

export interface StaleVerdict {
  stale: boolean;
  /** p3: a success must have started at or after this instant; null when the rule does not apply. */
  deadlineMs: number | null;
  /** Why it is stale, for people; null when it is not. */
  reason: string | null;
}

/** Judges one task at `now` by the rule above. */
export function judgeStaleness(input: StalenessInput, now: number): StaleVerdict {
  if (!input.enabled || input.schedule === null) return { stale: false, deadlineMs: null, reason: null };
  const deadline = thirdLatestFire(input.schedule, now);
  if (deadline === null) return { stale: false, deadlineMs: null, reason: null };
  if (input.lastSuccessMs !== null) {
    const stale = input.lastSuccessMs < deadline;
    const reason = stale ? `no success since ${iso(input.lastSuccessMs)} (${expected(deadline)})` : null;
    return { stale, deadlineMs: deadline, reason };
  }
  if (input.firstSeenMs === null) return { stale: false, deadlineMs: deadline, reason: null };
  const stale = input.firstSeenMs < deadline;
  const reason = stale ? `no success on record since its first run at ${iso(input.firstSeenMs)} (${expected(deadline)})` : null;
  return { stale, deadlineMs: deadline, reason };
}

/** p3: the fire before the fire before the latest fire at or before `now`. */
function thirdLatestFire(schedule: Schedule, now: number): number | null {
  let fire = schedule.prev(now);
  for (let step = 0; step < 2 && fire !== null; step += 1) fire = schedule.prev(fire - 1);
  return fire;
}

function expected(deadline: number): string {
  return `expected one at or after ${iso(deadline)}, two whole periods back`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

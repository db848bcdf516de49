// Which fire of a task is due at `now`, given the last fire already dealt with (its cursor).
// Fires skipped over (daemon busy, clock stepped forward) are coalesced: only the latest runs,
// so a jump never causes a storm of fires.
import type { Schedule } from '../schedule/cron.js';

export function dueFire(schedule: Schedule, cursor: number, now: number): number | null {
  const next = schedule.next(cursor);
  if (next === null || next > now) return null;
  const latest = schedule.prev(now);
  return latest !== null && latest > cursor ? latest : next;
}

/** How far the wall clock may step back before it is taken as a correction (as Vixie cron). */
export const CLOCK_CORRECTION_MS = 3 * 60 * 60 * 1000;

/**
 * The cursor to use after the wall clock stepped back below it. Within three hours, fires
 * already dealt with are not repeated (the cursor stays). Further back, the old clock was
 * wrong: the cursor follows the clock, so firing resumes from the corrected time.
 */
export function cursorAfterStepBack(cursor: number, now: number): number {
  return cursor - now > CLOCK_CORRECTION_MS ? now : cursor;
}

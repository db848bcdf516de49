// What a step back of the wall clock means for a task's cursor (the last fire dealt with).

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

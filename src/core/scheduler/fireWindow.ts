// Which fires of one task are due at a wake-up, telling a late wake-up from a clock step.
//
// The scheduler wakes at a task's fire, but it may wake late: its thread was busy (a long
// request, a burst of starts), the machine was loaded. Then the monotonic clock and the wall
// clock advanced together, and every fire in the late window is still due: each one runs, or is
// recorded skipped with its reason; none vanishes. When the wall clock ran ahead of the monotonic
// clock (a clock step, a suspended machine), the fires stepped over are coalesced into the latest
// one, so a jump never causes a storm (as Vixie cron and systemd timers do).
import type { Schedule } from '../schedule/cron.js';
import { cursorAfterStepBack } from './stepBack.js';

/** Wall-clock movement that monotonic time does not explain, below which it is noise (NTP slew). */
export const STEP_TOLERANCE_MS = 1000;
/** At most this many late fires of one task in one wake-up; the rest are reported as missed. */
export const MAX_LATE_FIRES = 1000;

export interface FireWindow {
  /** The due fire instants, oldest first. */
  fires: number[];
  /** Late fires beyond MAX_LATE_FIRES, dropped (the caller records them). */
  missed: number;
  /** The task's new cursor: the last fire dealt with. */
  cursor: number;
  /** The first fire after the cursor (each fire's deadline is the one after it), or null. */
  next: number | null;
}

/**
 * `cursor`: the last fire dealt with. `now`: the wall clock. `expectedNow`: the wall clock the
 * previous wake-up plus the monotonic time since would give (equal to `now` when nothing stepped).
 */
export function fireWindow(schedule: Schedule, cursor: number, now: number, expectedNow: number): FireWindow {
  let at = cursorAfterStepBack(cursor, now);
  const stepped = now - expectedNow > STEP_TOLERANCE_MS;
  const lateEnd = stepped ? Math.max(expectedNow, at) : now;
  const fires: number[] = [];
  let missed = 0;
  let next = schedule.next(at);
  for (; next !== null && next <= lateEnd; next = schedule.next(next)) {
    if (fires.length < MAX_LATE_FIRES) fires.push(next);
    else {
      fires.shift();
      fires.push(next);
      missed++;
    }
    at = next;
  }
  if (stepped && next !== null && next <= now) {
    const latest = schedule.prev(now);
    if (latest !== null && latest > at) {
      fires.push(latest);
      at = latest;
      next = schedule.next(latest);
    }
  }
  return { fires, missed, cursor: at, next };
}

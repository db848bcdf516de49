// The latest fire at or before an instant, always consistent with nextFireMs (for every t:
// prev(t) <= t < next(prev(t))). The steady-offset shortcut answers most questions; across
// a DST change croner's previousRuns answers and is checked against nextFireMs; should that
// check fail, the fire is found by searching back with nextFireMs alone.
import { floatingPrevMs, toMs, type FireClock } from './fireClock.js';
import { isSteady, nextFireMs } from './nextFire.js';
import { zoneOffsetMs } from './zoneOffsets.js';

const MINUTE_MS = 60_000;
/** How far back the search looks before saying there is no fire (a schedule repeats yearly). */
const LOOKBACK_LIMIT_MS = 1000 * 366 * 24 * 60 * MINUTE_MS;

/** Latest fire at or before `atOrBeforeMs`, or null if there is none. */
export function prevFireMs(clock: FireClock, atOrBeforeMs: number): number | null {
  const t = atOrBeforeMs;
  const offset = zoneOffsetMs(clock.zone, t);
  const wall = floatingPrevMs(clock, t + offset);
  if (wall !== null) {
    const at = wall - offset;
    // at is a first pass, and the offset does not change after it up to t.
    if (at <= t && isSteady(clock.zone, at, t)) return at;
  }
  // previousRuns counts a run earlier in the reference's second, not one at the reference.
  const candidate = first(clock.zoned().previousRuns(1, new Date(t + 1)));
  if (candidate !== null && candidate <= t && isLastFire(clock, candidate, t)) return candidate;
  return searchBack(clock, t);
}

/** True when `at` is a fire and no fire follows it up to `t`. */
function isLastFire(clock: FireClock, at: number, t: number): boolean {
  if (nextFireMs(clock, at - 1) !== at) return false;
  const following = nextFireMs(clock, at);
  return following === null || following > t;
}

/** Widen a window back from t until it holds a fire, then bisect to the last one. */
function searchBack(clock: FireClock, t: number): number | null {
  let quiet = t; // no fire in (quiet, t]
  for (let span = MINUTE_MS; span <= LOOKBACK_LIMIT_MS; span *= 4) {
    const fire = nextFireMs(clock, t - span);
    if (fire !== null && fire <= t) return lastFireUpTo(clock, fire, quiet, t);
    quiet = t - span;
  }
  return null;
}

/** `fire` <= t is a fire and none lies in (quiet, t]: the last fire <= t, in log steps. */
function lastFireUpTo(clock: FireClock, fire: number, quiet: number, t: number): number {
  let at = fire;
  let end = quiet;
  for (;;) {
    const following = nextFireMs(clock, at);
    if (following === null || following > t) return at;
    const middle = following + Math.floor((end - following) / 2);
    const probe = nextFireMs(clock, middle);
    if (probe === null || probe > t) {
      at = following;
      end = middle;
    } else {
      at = probe;
    }
  }
}

function first(dates: Date[]): number | null {
  return toMs(dates[0]);
}

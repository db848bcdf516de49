// The first fire strictly after an instant. While the zone's offset stays the same, the
// answer is the zoneless answer shifted by that offset; croner, which decides in the zone
// with the Vixie DST rules it was built with (and costs ~10x more), answers only when the
// offset changes before that fire, or when the instant is in the repeated hour of a
// fall-back (where a fixed-time task must not run a second time).
import { floatingNextMs, toMs, type FireClock } from './fireClock.js';
import { hasZoneTransition, isRepeatedWallTime, zoneOffsetMs } from './zoneOffsets.js';

/** Longest span the shortcut looks across for an offset change (covers a yearly task). */
const STEADY_SPAN_MS = 400 * 24 * 3600_000;
const CRONER_RETRIES = 3;

/** First fire strictly after `afterMs`, or null if there is none. */
export function nextFireMs(clock: FireClock, afterMs: number): number | null {
  const offset = zoneOffsetMs(clock.zone, afterMs);
  const wall = floatingNextMs(clock, afterMs + offset);
  if (wall === null) return null;
  const at = wall - offset;
  return isSteady(clock.zone, afterMs, at) ? at : zonedNext(clock, afterMs);
}

/**
 * True when every instant in (fromMs, toMs] has the offset toMs has and a wall time seen
 * for the first time: there, a zone is a fixed offset and DST rules have nothing to decide.
 */
export function isSteady(zone: string, fromMs: number, toMs: number): boolean {
  return toMs - fromMs <= STEADY_SPAN_MS && !hasZoneTransition(zone, fromMs, toMs) && !isRepeatedWallTime(zone, fromMs);
}

function zonedNext(clock: FireClock, afterMs: number): number | null {
  // croner answers strictly after the reference; should it ever not, ask again from its
  // answer rather than hand the caller the same instant twice.
  let from = afterMs;
  for (let attempt = 0; attempt < CRONER_RETRIES; attempt++) {
    const at = toMs(clock.zoned().nextRun(new Date(from)));
    if (at === null || at > afterMs) return at;
    from = Math.max(from, at) + 1;
  }
  return null;
}

// The instant a local wall time names in a zone. A wall time the clock skipped (spring
// forward) is read as if the clock had not jumped, which lands after the gap by its size
// (02:30 on a 02:00->03:00 day is 03:30); a wall time that happens twice (fall back) is its
// first occurrence. Both as Temporal's "compatible" disambiguation and as `date -d`.
import { zoneOffsetMs } from './zoneOffsets.js';

const DAY_MS = 24 * 3600 * 1000;

/** `wallMs` is the local time written as if it were UTC (Date.UTC of its fields). */
export function wallTimeToMs(zone: string, wallMs: number): number {
  const before = zoneOffsetMs(zone, wallMs - DAY_MS);
  const after = zoneOffsetMs(zone, wallMs + DAY_MS);
  const candidates = [wallMs - before, wallMs - after]
    .filter((at) => at + zoneOffsetMs(zone, at) === wallMs)
    .sort((a, b) => a - b);
  return candidates[0] ?? wallMs - before;
}

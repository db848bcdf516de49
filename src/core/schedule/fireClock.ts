// What next/prev need to know about one compiled schedule: the pattern on a zoneless clock
// (fast, exact wherever the zone's offset is steady) and the pattern in its zone (croner's
// DST rules, slower, built only when a DST change is near).
import type { Cron } from 'croner';
import { floatingCron, zonedCron } from './cronerCache.js';

export interface FireClock {
  readonly zone: string;
  readonly floating: Cron;
  zoned(): Cron;
}

/** A FireClock for a pattern croner has accepted (floatingCron throws when it does not). */
export function makeFireClock(pattern: string, zone: string): FireClock {
  const floating = floatingCron(pattern);
  let zoned: Cron | null = null;
  return {
    zone,
    floating,
    zoned: () => (zoned ??= zonedCron(pattern, zone)),
  };
}

// Crons are shared by every task with the same pattern (cronerCache), and status or a tick
// asks all of them from the same instant: each Cron keeps its last answer.
const lastNext = new WeakMap<Cron, { readonly from: number; readonly at: number | null }>();

/** The floating Cron's first fire strictly after wall time `wallMs` (ms, wall time read as UTC), or null. */
export function floatingNextMs(clock: FireClock, wallMs: number): number | null {
  const last = lastNext.get(clock.floating);
  if (last && last.from === wallMs) return last.at;
  const at = toMs(clock.floating.nextRun(new Date(wallMs)));
  lastNext.set(clock.floating, { from: wallMs, at });
  return at;
}

/** A croner answer as ms, or null (croner answers null, undefined, or an empty list). */
export function toMs(date: Date | null | undefined): number | null {
  return date ? date.getTime() : null;
}

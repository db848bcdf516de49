// What next/prev need to know about one compiled schedule: the pattern on a zoneless clock
// (fast, exact wherever the zone's offset is steady) and the pattern in its zone (croner's
// DST rules, slower, built only when a DST change is near). Zoneless next and previous fires
// come from cronMatcher's tables when it reads the pattern (croner walks, ~100x slower),
// else from the floating Cron.
import type { Cron } from 'croner';
import { floatingCron, zonedCron } from './cronerCache.js';
import { readCronMatcher, type CronMatcher } from './cronMatcher.js';
import { floatingNext } from './floatingNext.js';
import { floatingPrev } from './floatingPrev.js';

export interface FireClock {
  readonly zone: string;
  readonly floating: Cron;
  /** The pattern's tables for floatingNext/floatingPrev, or null when only croner reads it exactly. */
  readonly matcher: CronMatcher | null;
  zoned(): Cron;
}

/** A FireClock for a pattern croner has accepted (floatingCron throws when it does not). */
export function makeFireClock(pattern: string, zone: string): FireClock {
  const floating = floatingCron(pattern);
  let zoned: Cron | null = null;
  return {
    zone,
    floating,
    matcher: matcherFor(floating, pattern),
    zoned: () => (zoned ??= zonedCron(pattern, zone)),
  };
}

// Patterns repeat across tasks: one set of tables per shared floating Cron.
const matchers = new WeakMap<Cron, CronMatcher | null>();

function matcherFor(floating: Cron, pattern: string): CronMatcher | null {
  let matcher = matchers.get(floating);
  if (matcher === undefined) {
    matcher = readCronMatcher(pattern);
    matchers.set(floating, matcher);
  }
  return matcher;
}

// Crons are shared by every task with the same pattern (cronerCache), and status or a tick
// asks all of them from the same instant: each Cron keeps its last answer.
const lastNext = new WeakMap<Cron, { readonly from: number; readonly at: number | null }>();

/** The floating Cron's first fire strictly after wall time `wallMs` (ms, wall time read as UTC), or null. */
export function floatingNextMs(clock: FireClock, wallMs: number): number | null {
  const last = lastNext.get(clock.floating);
  if (last && last.from === wallMs) return last.at;
  const at = clock.matcher ? floatingNext(clock.matcher, wallMs) : toMs(clock.floating.nextRun(new Date(wallMs)));
  lastNext.set(clock.floating, { from: wallMs, at });
  return at;
}

/** The floating Cron's latest fire at or before wall time `wallMs`, or null. */
export function floatingPrevMs(clock: FireClock, wallMs: number): number | null {
  if (clock.matcher) return floatingPrev(clock.matcher, wallMs);
  // previousRuns counts a run earlier in the reference's second, not one at the reference.
  return toMs(clock.floating.previousRuns(1, new Date(wallMs + 1))[0]);
}

/** A croner answer as ms, or null (croner answers null, undefined, or an empty list). */
export function toMs(date: Date | null | undefined): number | null {
  return date ? date.getTime() : null;
}

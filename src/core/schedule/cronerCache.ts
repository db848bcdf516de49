// The one place croner objects are made: always with the contract's options, never with a
// callback (no timer starts) and never with a name (a name registers the job module-wide).
// A Cron asked only for nextRun(date) / previousRuns(n, date) keeps no state, so Crons are
// shared through a small cache: configs repeat expressions.
import { Cron, type CronOptions } from 'croner';

const CONTRACT_OPTIONS: CronOptions = {
  // 5 fields, or 6 with seconds first; croner would also take a 7th (year) field.
  mode: '5-or-6-parts',
  // Vixie cron: a job without a wildcard or step in second, minute and hour is a fixed-time
  // job (runs once after a DST gap, once in a repeated hour); every other job keeps
  // real-time spacing. croner's default ("single-value") would make `30 2,14 * * *` an
  // interval job, skipped in the gap.
  fixedTimeRule: 'no-wildcard',
  // Day-of-month and day-of-week together mean either (Vixie cron); see vixieDays.
  domAndDow: false,
};

/**
 * Vixie cron's day rule: both day fields restricted mean either, but a field that starts with
 * `*` (`*∕2`) counts as unrestricted, and the day must then match both. croner reads `*∕2` as
 * restricted (either), so such a pattern is handed over with AND.
 */
function vixieDays(pattern: string): CronOptions {
  if (pattern.trimStart().startsWith('@')) return CONTRACT_OPTIONS;
  const fields = pattern.trim().split(/\s+/);
  const [dom = '*', dow = '*'] = fields.length === 6 ? [fields[3], fields[5]] : [fields[2], fields[4]];
  return starLed(dom) || starLed(dow) ? { ...CONTRACT_OPTIONS, domAndDow: true } : CONTRACT_OPTIONS;
}

/** Starts with `*` (or croner's `?`, its synonym). */
export function starLed(field: string): boolean {
  return field.startsWith('*') || field.startsWith('?');
}

// Large enough that validating a config and then compiling its schedules parses each once.
const CACHE_LIMIT = 4096;
const cache = new Map<string, Cron>();

/** `pattern` evaluated on a clock with no zone and no DST: wall time read as UTC. */
export function floatingCron(pattern: string): Cron {
  return cached(`\u0000${pattern}`, () => new Cron(pattern, { ...vixieDays(pattern), utcOffset: 0 }));
}

/** `pattern` evaluated in the IANA zone `zone`, with croner's DST rules. */
export function zonedCron(pattern: string, zone: string): Cron {
  return cached(`${zone}\u0000${pattern}`, () => new Cron(pattern, { ...vixieDays(pattern), timezone: zone }));
}

/** croner's reason for refusing `pattern`, worded as the rest of checkCron's messages. */
export function cronerProblem(expression: string, error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
  return `"${expression}" is not a valid cron expression (${reason})`;
}

function cached(key: string, make: () => Cron): Cron {
  const hit = cache.get(key);
  if (hit) return hit;
  const made = dropYearTable(make());
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, made);
  return made;
}

/**
 * croner 11 keeps a 10,000-entry year table (~80 KB a Cron, two Crons a schedule) that it
 * reads only when the pattern has a year field (`starYear` false), which the contract
 * refuses. Dropping it makes a thousand schedules cost kilobytes and spares the GC; the
 * tests compare these Crons with untouched ones, so a croner that starts reading the table
 * fails them. Does nothing if croner's insides are not as expected.
 */
function dropYearTable(cron: Cron): Cron {
  const inside = cron as unknown as { _states?: { pattern?: { starYear?: unknown; year?: unknown } } };
  const pattern = inside._states?.pattern;
  if (pattern && pattern.starYear === true && Array.isArray(pattern.year)) pattern.year = [];
  return cron;
}

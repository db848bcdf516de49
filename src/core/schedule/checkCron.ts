// Whether a cron expression is one the contract accepts: 5 fields, or 6 with seconds first,
// or a nickname; values in range; accepted by croner; and able to fire at all. A pattern that
// cronMatcher reads (every item plain: numbers, names, ranges, steps) croner accepts too, and
// the tables answer whether it fires without building a Cron (~130 us each, ~3 KB kept):
// a config of 1,000 tasks is checked by `status`, `run` and the daemon at every start.
import { cronerProblem, floatingCron, starLed } from './cronerCache.js';
import { cachedCronMatcher } from './cronMatcher.js';
import { floatingNext } from './floatingNext.js';
import { readCron } from './readCron.js';

/** Any date works as a start: without a year field, a pattern that fires does so within 8 years of it. */
const NEVER_FIRES_PROBE = new Date(Date.UTC(2000, 0, 1));

// A config of a thousand tasks repeats its expressions: each is judged once per process.
const CACHE_LIMIT = 4096;
const verdicts = new Map<string, string | null>();

/** Null when `expression` is valid, else a message naming what is wrong. */
export function checkCron(expression: string): string | null {
  const known = verdicts.get(expression);
  if (known !== undefined) return known;
  const verdict = judge(expression);
  if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
  verdicts.set(expression, verdict);
  return verdict;
}

function judge(expression: string): string | null {
  const read = readCron(expression);
  if ('problem' in read) return read.problem;
  let fires: boolean;
  const matcher = cachedCronMatcher(read.pattern);
  if (matcher) {
    fires = !mayNeverFire(read.pattern) || floatingNext(matcher, NEVER_FIRES_PROBE.getTime()) !== null;
    return fires ? null : neverFires(expression);
  }
  try {
    const cron = floatingCron(read.pattern);
    // Searching for the next fire costs ~60 us; only day and month fields that are both
    // restricted (e.g. `0 0 30 2 *`) can make a pattern that never fires.
    fires = !mayNeverFire(read.pattern) || cron.nextRun(NEVER_FIRES_PROBE) instanceof Date;
  } catch (error) {
    return cronerProblem(expression, error);
  }
  return fires ? null : neverFires(expression);
}

function neverFires(expression: string): string {
  return `"${expression}" is not a valid cron expression (never fires: no date matches its day and month fields)`;
}

function mayNeverFire(pattern: string): boolean {
  const fields = pattern.trim().split(/\s+/);
  const [dom, month, dow] = fields.slice(-3);
  const wild = (field: string | undefined) => field === '*' || field === '?';
  if (wild(dom)) return false;
  // Either day field may do (Vixie's OR) unless they must both match: `+`, or one led by `*`.
  const both = (dow ?? '').startsWith('+') || starLed(dom ?? '') || starLed(dow ?? '');
  return !(wild(month) && !both);
}

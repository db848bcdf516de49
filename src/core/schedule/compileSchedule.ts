// Turn a checked cron expression and a zone into a Schedule whose next/prev are cheap
// enough to ask for thousands of tasks on every tick.
import { ConductorError } from '../errors.js';
import { checkTimezone } from './checkTimezone.js';
import { cronerProblem } from './cronerCache.js';
import { makeFireClock, type FireClock } from './fireClock.js';
import { nextFireMs } from './nextFire.js';
import { prevFireMs } from './prevFire.js';
import { readCron } from './readCron.js';
import type { Schedule } from './schedule.js';

/**
 * A Schedule for `expression` in `timezone`; throws ConductorError INPUT_INVALID (with
 * checkCron's or checkTimezone's message) for an invalid one. An expression that never
 * fires compiles, with next and prev null.
 */
export function compileSchedule(expression: string, timezone: string): Schedule {
  const read = readCron(expression);
  if ('problem' in read) throw new ConductorError('INPUT_INVALID', read.problem);
  const zoneProblem = checkTimezone(timezone);
  if (zoneProblem) throw new ConductorError('INPUT_INVALID', zoneProblem);
  let clock: FireClock;
  try {
    clock = makeFireClock(read.pattern, timezone);
  } catch (error) {
    throw new ConductorError('INPUT_INVALID', cronerProblem(expression, error), { cause: error });
  }
  return Object.freeze(new CompiledSchedule(expression, timezone, clock));
}

/** Methods on a prototype rather than two closures a schedule: an idle daemon holds one per task. */
class CompiledSchedule implements Schedule {
  constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly clock: FireClock,
  ) {}

  next(afterMs: number): number | null {
    return nextFireMs(this.clock, instant(afterMs));
  }

  prev(atOrBeforeMs: number): number | null {
    return prevFireMs(this.clock, instant(atOrBeforeMs));
  }
}

/** Dates run ±8.64e15 ms; keep a margin for the zone offset and the look-back search. */
const LIMIT_MS = 8e15;

function instant(ms: number): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > LIMIT_MS) {
    throw new RangeError(`${ms} is not an instant (ms since the epoch, within ±${LIMIT_MS})`);
  }
  return ms;
}

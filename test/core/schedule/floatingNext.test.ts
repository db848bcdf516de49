// floatingNext must answer exactly what croner's zoneless nextRun answers (the Cron it
// replaces on the hot path), for every kind of field the contract accepts, from any instant,
// fire after fire; what it cannot read exactly it must hand back to croner (null matcher).
import { describe, expect, it } from 'vitest';
import { floatingCron } from '../../../src/core/schedule/cronerCache.js';
import { readCronMatcher } from '../../../src/core/schedule/cronMatcher.js';
import { floatingNext } from '../../../src/core/schedule/floatingNext.js';
import { floatingPrev } from '../../../src/core/schedule/floatingPrev.js';
import { civilFromDays, daysFromCivil } from '../../../src/core/schedule/utcCalendar.js';
import { readCron } from '../../../src/core/schedule/readCron.js';
import { seededRandom } from './fires.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const Y2024 = Date.UTC(2024, 0, 1);

const EXPRESSIONS = [
  '7 3 * * *',
  '* * * * *',
  '*/15 * * * *',
  '0 */6 * * *',
  '5,10,55 1,13,23 * * *',
  '0-10 22-23 * * *',
  '10-50/7 2-20/5 * * *',
  '0 0 1 * *',
  '0 0 1-7 * *',
  '0 0 */10 * *',
  '0 0 5-25/4 * *',
  '0 12 * JAN,jul,DEC *',
  '0 12 * jan-mar *',
  '0 12 * */5 *',
  '0 12 * 2-11/3 *',
  '0 9 * * MON-FRI',
  '0 9 * * wed-SAT',
  '0 9 * * 0',
  '0 9 * * 7',
  '0 9 * * 5-7',
  '0 9 * * 0-7/2',
  '0 9 * * 1-7/2',
  '0 9 * * */3',
  '0 9 * * sun,wed',
  '0 0 13 * 5',
  '0 0 1,15 * MON',
  '0 0 */2 * 1-5',
  '0 0 13 * +5',
  '0 0 * * +5',
  '0 0 ? * MON',
  '0 0 1 * ?',
  '0 0 29 2 *',
  '0 0 29 2 1',
  '0 0 29 2 +1',
  '0 0 31 * *',
  '0 0 31 2 *',
  '0 0 30 2 *',
  '0 0 30,31 2,4 *',
  '0 0 1 1 *',
  '59 23 31 12 *',
  '*/20 * * * * *',
  '30 7 3 * * *',
  '0-5,50-59/3 */7 1 * * *',
  '15 30 2 29 2 *',
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

/** croner's own answer: the floating Cron the shortcut stands in for. */
function cronerNext(pattern: string, wallMs: number): number | null {
  const date = floatingCron(pattern).nextRun(new Date(wallMs));
  return date ? date.getTime() : null;
}

/** croner's latest fire at or before wallMs, asked as prevFire asks it (from the next ms). */
function cronerPrev(pattern: string, wallMs: number): number | null {
  const [date] = floatingCron(pattern).previousRuns(1, new Date(wallMs + 1));
  return date ? date.getTime() : null;
}

function patternOf(expression: string): string {
  const read = readCron(expression);
  if ('problem' in read) throw new Error(read.problem);
  return read.pattern;
}

/** Instants over 1990-2060, some on whole seconds/minutes/days (where off-by-ones hide). */
function instants(seed: number, count: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const t = Date.UTC(1990, 0, 1) + Math.floor(random() * 70 * YEAR);
    const grain = [1, 1000, 60_000, DAY][index % 4] ?? 1;
    return Math.floor(t / grain) * grain - (index % 8 === 0 ? 1 : 0);
  });
}

describe.each(EXPRESSIONS)('%s', (expression) => {
  const pattern = patternOf(expression);
  const matcher = readCronMatcher(pattern);

  it('is read into tables (no croner fallback)', () => {
    expect(matcher).not.toBeNull();
  });

  it('answers as croner from 500 seeded instants', () => {
    if (!matcher) return;
    for (const t of instants(expression.length * 7919 + 17, 500)) {
      expect(floatingNext(matcher, t), `after ${new Date(t).toISOString()}`).toBe(cronerNext(pattern, t));
    }
  });

  it('answers as croner fire after fire over a few years', () => {
    if (!matcher) return;
    const random = seededRandom(expression.length * 104_729 + 3);
    let t: number | null = Y2024 + Math.floor(random() * YEAR);
    for (let count = 0; t !== null && count < 200 && t < Y2024 + 4 * YEAR; count++) {
      const expected = cronerNext(pattern, t);
      expect(floatingNext(matcher, t), `after ${new Date(t).toISOString()}`).toBe(expected);
      // jump ahead now and then so the chain spans years, not only the next few minutes
      t = expected === null ? null : count % 10 === 9 ? expected + Math.floor(random() * 90 * DAY) : expected;
    }
  });

  it('looks back as croner does, from seeded instants and fire before fire', () => {
    if (!matcher) return;
    for (const t of instants(expression.length * 31 + 5, 300)) {
      expect(floatingPrev(matcher, t), `at or before ${new Date(t).toISOString()}`).toBe(cronerPrev(pattern, t));
    }
    let t: number | null = Y2024 + 3 * YEAR;
    for (let count = 0; t !== null && count < 100 && t > Y2024; count++) {
      const expected = cronerPrev(pattern, t);
      expect(floatingPrev(matcher, t), `at or before ${new Date(t).toISOString()}`).toBe(expected);
      t = expected === null ? null : expected - 1 - (count % 10 === 9 ? 40 * DAY : 0);
    }
  });
});

describe('the edges croner keeps', () => {
  it.each([
    ['a Feb 29 that is a Monday', '0 0 29 2 +1', Date.UTC(2024, 0, 1)],
    ['a pattern that never fires', '0 0 31 2 *', Date.UTC(2024, 0, 1)],
    ['year 2999 into 3000', '0 0 1 1 *', Date.UTC(2999, 5, 1)],
    ['an instant in year 3000', '* * * * *', Date.UTC(3000, 0, 1)],
    ['an instant in year 2001 BC', '0 0 29 2 *', Date.UTC(-2000, 6, 1)],
    ['an instant in year 50', '0 0 29 2 *', new Date(0).setUTCFullYear(50, 6, 1)],
    ['a negative instant with milliseconds', '* * * * * *', -1500.5],
    ['a fractional instant', '* * * * * *', 999.9],
    ['Dec 31 23:59:59.999', '* * * * * *', Date.UTC(2024, 11, 31, 23, 59, 59, 999)],
    ['Jan 1 00:00:00.000', '59 59 23 31 12 *', Date.UTC(2024, 0, 1)],
    ['an instant in year 1', '0 0 1 1 *', new Date(0).setUTCFullYear(1, 6, 1)],
    ['an instant in year 401', '0 0 31 2 *', new Date(0).setUTCFullYear(401, 6, 1)],
  ])('%s (%s)', (_, expression, t) => {
    const pattern = patternOf(expression);
    const matcher = readCronMatcher(pattern);
    if (!matcher) throw new Error('no matcher');
    expect(floatingNext(matcher, t)).toBe(cronerNext(pattern, t));
    expect(floatingPrev(matcher, t)).toBe(cronerPrev(pattern, t));
  });

  it('reads SUN at the end of a range as croner does (7), though readCron refuses it', () => {
    const matcher = readCronMatcher('0 9 * * fri-sun');
    if (!matcher) throw new Error('no matcher');
    for (const t of instants(5, 200)) expect(floatingNext(matcher, t)).toBe(cronerNext('0 9 * * fri-sun', t));
  });

  it.each(['0 0 L * *', '0 0 LW * *', '0 0 15W * *', '0 0 * * 5L', '0 0 * * 5#2', '0 0 * * MON#L'])(
    'leaves %s to croner',
    (expression) => {
      expect(readCronMatcher(patternOf(expression))).toBeNull();
    },
  );

  it('counts days as the calendar does, across eras', () => {
    const random = seededRandom(41);
    for (let i = 0; i < 2000; i++) {
      const days = Math.floor((random() - 0.5) * 2 * 90_000_000);
      const date = new Date(days * DAY);
      expect(civilFromDays(days)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(days);
    }
  });
});

/** A random expression from the grammar checkCronField accepts (no L, W, #). */
function randomExpression(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  const field = (min: number, max: number, names: readonly string[] = []): string => {
    const value = () => (names.length > 0 && random() < 0.3 ? pick(names) : String(int(min, max)));
    const item = (): string => {
      switch (int(0, 5)) {
        case 0:
          return '*';
        case 1:
          return `*/${int(1, max - min + 1 - (min === 0 && max === 7 ? 1 : 0))}`;
        case 2: {
          const from = int(min, max);
          return `${from}-${int(from, max)}`;
        }
        case 3: {
          const from = int(min, max);
          return `${from}-${int(from, max)}/${int(1, Math.min(max - min + 1, max === 7 ? 7 : 99))}`;
        }
        default:
          return value();
      }
    };
    return Array.from({ length: random() < 0.7 ? 1 : int(2, 3) }, item).join(',');
  };
  const dayNames = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'sun'];
  const monthNames = ['JAN', 'feb', 'Mar', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const dom = random() < 0.35 ? '*' : random() < 0.1 ? '?' : field(1, 31);
  const dow = random() < 0.35 ? '*' : (random() < 0.15 ? '+' : '') + field(0, 7, dayNames);
  const five = [random() < 0.3 ? '*' : field(0, 59), random() < 0.3 ? '*' : field(0, 23), dom, random() < 0.6 ? '*' : field(1, 12, monthNames), dow];
  return (random() < 0.3 ? [field(0, 59), ...five] : five).join(' ');
}

describe('random expressions from the grammar', () => {
  it('agree with croner from seeded instants, fire after fire', () => {
    const random = seededRandom(20_261_129);
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const expression = randomExpression(random);
      const read = readCron(expression);
      if ('problem' in read) continue; // e.g. a name range that runs backwards
      const matcher = readCronMatcher(read.pattern);
      expect(matcher, expression).not.toBeNull();
      if (!matcher) continue;
      let t: number | null = Date.UTC(2000, 0, 1) + Math.floor(random() * 50 * YEAR);
      for (let step = 0; step < 25 && t !== null; step++) {
        const expected = cronerNext(read.pattern, t);
        expect(floatingNext(matcher, t), `${expression} after ${new Date(t).toISOString()}`).toBe(expected);
        t = expected === null ? null : step % 5 === 4 ? expected + Math.floor(random() * 400 * DAY) : expected;
        compared++;
      }
      for (let step = 0, back: number | null = t ?? Date.UTC(2030, 0, 1); step < 10 && back !== null; step++) {
        const expected = cronerPrev(read.pattern, back);
        expect(floatingPrev(matcher, back), `${expression} at or before ${new Date(back).toISOString()}`).toBe(expected);
        back = expected === null ? null : expected - 1;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

import { describe, expect, it } from 'vitest';
import { checkCron } from '../../../src/core/schedule/cron.js';
import { Cron } from 'croner';
import { cronerProblem } from '../../../src/core/schedule/cronerCache.js';
import { readCronMatcher } from '../../../src/core/schedule/cronMatcher.js';
import { readCron } from '../../../src/core/schedule/readCron.js';
import { seededRandom } from './fires.js';

const invalid = (expression: string, detail: string): [string, string] => [
  expression,
  `"${expression}" is not a valid cron expression (${detail})`,
];

describe('checkCron', () => {
  describe('when the expression is one the contract accepts', () => {
    it.each([
      '* * * * *',
      '*/15 * * * *',
      '30 2 * * *',
      '0 9-17/2 * * 1-5',
      '0,30 2,14 * * *',
      '0 0 * * MON-FRI',
      '0 0 * * mon-fri',
      '0 0 1 JAN *',
      '0 0 * jan-mar/2 *',
      '0 0 * * 0',
      '0 0 * * 7',
      '0 0 * * 0-7',
      '0 0 * * 1-7',
      '0 0 L * *',
      '0 0 LW * *',
      '0 0 15W * *',
      '0 0 1,L * *',
      '0 0 * * 5#2',
      '0 0 * * FRI#L',
      '0 0 * * 5L',
      '0 0 * * MON-FRI#2',
      '0 0 1,15 * MON',
      '0 0 1 * +MON',
      '0 0 29 2 *',
      '? * * * *',
      '*/10 * * * * *',
      '0 30 2 * * *',
      '59 59 23 31 12 7',
      '  0 0 * * *  ',
      '0\t0 * * *',
      '@yearly',
      '@annually',
      '@monthly',
      '@weekly',
      '@daily',
      '@midnight',
      '@hourly',
      '@DAILY',
    ])('accepts %j', (expression) => {
      expect(checkCron(expression)).toBeNull();
    });
  });

  describe('when a value is out of its field\'s range', () => {
    it.each([
      invalid('61 * * * *', 'minute 61 out of range 0-59'),
      invalid('0-60 * * * *', 'minute 60 out of range 0-59'),
      invalid('* 24 * * *', 'hour 24 out of range 0-23'),
      invalid('0 0,25 * * *', 'hour 25 out of range 0-23'),
      invalid('* * 0 * *', 'day-of-month 0 out of range 1-31'),
      invalid('* * 32 * *', 'day-of-month 32 out of range 1-31'),
      invalid('0 0 32W * *', 'day-of-month 32 out of range 1-31'),
      invalid('* * * 13 *', 'month 13 out of range 1-12'),
      invalid('* * * 0 *', 'month 0 out of range 1-12'),
      invalid('* * * * 8', 'day-of-week 8 out of range 0-7'),
      invalid('0 0 * * 8#1', 'day-of-week 8 out of range 0-7'),
      invalid('60 * * * * *', 'second 60 out of range 0-59'),
      invalid('0 0 * * 5#6', 'day-of-week occurrence #6 out of range 1-5'),
      invalid('0 0 * * 5#0', 'day-of-week occurrence #0 out of range 1-5'),
      invalid('*/0 * * * *', 'minute step 0 out of range 1-60'),
      invalid('*/61 * * * *', 'minute step 61 out of range 1-60'),
      invalid('0 */25 * * *', 'hour step 25 out of range 1-24'),
      invalid('0 0 * * */8', 'day-of-week step 8 out of range 1-7'),
    ])('refuses %j, naming the field and its range', (expression, message) => {
      expect(checkCron(expression)).toBe(message);
    });
  });

  describe('when the number of fields is wrong', () => {
    it.each([
      invalid('0 0 0 1 1 * 2030', '7 fields; use 5, or 6 with seconds first'),
      invalid('* * * *', '4 fields; use 5, or 6 with seconds first'),
      invalid('foo', '1 field; use 5, or 6 with seconds first'),
      invalid('2030-01-23T00:00:00', '1 field; use 5, or 6 with seconds first'),
      invalid('', 'it is empty; use 5, or 6 with seconds first'),
      invalid('   ', 'it is empty; use 5, or 6 with seconds first'),
    ])('refuses %j', (expression, message) => {
      expect(checkCron(expression)).toBe(message);
    });
  });

  describe('when a nickname is not one of the contract\'s', () => {
    it.each([
      invalid('@every', 'unknown nickname "@every"; use one of @yearly @annually @monthly @weekly @daily @midnight @hourly'),
      invalid('@every 5m', 'unknown nickname "@every"; use one of @yearly @annually @monthly @weekly @daily @midnight @hourly'),
      invalid('@reboot', '@reboot is not supported: a task runs on a schedule, not at boot'),
      invalid('@daily 5', '@daily stands alone, with no fields after it'),
    ])('refuses %j', (expression, message) => {
      expect(checkCron(expression)).toBe(message);
    });
  });

  describe('when a field holds something that is not a value', () => {
    it.each([
      invalid('a * * * *', 'minute "a" is not a number'),
      invalid('1.5 * * * *', 'minute "1.5" is not a number'),
      invalid('0x10 * * * *', 'minute "0x10" is not a number'),
      invalid('* * * FOO *', 'month "FOO" is not a number or a month name'),
      invalid('* * * * foo', 'day-of-week "foo" is not a number or a day name'),
      invalid('0 0 * * MONDAY', 'day-of-week "MONDAY" is not a number or a day name'),
      invalid('0 0 * MON *', 'month "MON" is not a number or a month name'),
      invalid('0 0 * * L', 'day-of-week "L" is not a number or a day name'),
      invalid('L * * * *', 'minute "L" is not a number'),
      invalid('-1 * * * *', 'minute "-1" is not valid'),
      invalid('5- * * * *', 'minute "5-" is not valid'),
      invalid('1-2-3 * * * *', 'minute "1-2-3" is not a valid range'),
      invalid('5-1 * * * *', 'minute range "5-1" runs backwards'),
      invalid('0 0 * * MON-SUN', 'day-of-week range "MON-SUN" runs backwards (Sunday at the end is 7)'),
      invalid('1,,2 * * * *', 'minute has an empty list item'),
      invalid('1, * * * *', 'minute has an empty list item'),
      invalid('*/5/2 * * * *', 'minute "*/5/2" has more than one step'),
      invalid('*/x * * * *', 'minute step "x" is not a number'),
      invalid('5/15 * * * *', 'minute "5/15": a step needs * or a range before it (*/15 or 0-59/15)'),
      invalid('0 0 L-2 * *', 'day-of-month "L-2": L and W stand alone (L, LW or 15W)'),
      invalid('0 0 15W-20W * *', 'day-of-month "15W-20W": L and W stand alone (L, LW or 15W)'),
      invalid('0 0 L/2 * *', 'day-of-month "L/2": L and W take no step'),
      invalid('0 0 * * 5#x', 'day-of-week "5#x": # needs 1-5 or L after it'),
      invalid('0 0 * * 5#L/2', 'day-of-week "5#L/2": # and L take no step'),
      invalid('0 0 * * +', 'day-of-week is empty after "+"'),
      invalid('0 0 * * MON+', 'day-of-week "MON+" is not a number or a day name'),
    ])('refuses %j', (expression, message) => {
      expect(checkCron(expression)).toBe(message);
    });
  });

  describe('when no date can ever match', () => {
    it.each([
      invalid('0 0 30 2 *', 'never fires: no date matches its day and month fields'),
      invalid('0 0 31 4,6,9,11 *', 'never fires: no date matches its day and month fields'),
      invalid('0 0 31W 2 *', 'never fires: no date matches its day and month fields'),
      invalid('0 0 30 2 +MON', 'never fires: no date matches its day and month fields'),
    ])('refuses %j', (expression, message) => {
      expect(checkCron(expression)).toBe(message);
    });

    it('accepts a date that comes only in leap years', () => {
      expect(checkCron('0 0 29 2 *')).toBeNull();
    });

    it('accepts day-of-month 30 in February when a day-of-week may match instead (Vixie OR)', () => {
      expect(checkCron('0 0 30 2 MON')).toBeNull();
    });
  });

  describe('when only croner refuses the expression', () => {
    it("wraps croner's message in the same form", () => {
      expect(cronerProblem('x y', new TypeError('CronPattern: Syntax error, illegal range'))).toBe(
        '"x y" is not a valid cron expression (Syntax error, illegal range)',
      );
    });
  });

  it.each([
    ['*/5 * * * *', null],
    ['0 0 30 2 *', '"0 0 30 2 *" is not a valid cron expression (never fires: no date matches its day and month fields)'],
    ['61 * * * *', '"61 * * * *" is not a valid cron expression (minute 61 out of range 0-59)'],
  ])('judges %j the same when asked again (a verdict is kept per expression)', (expression, verdict) => {
    expect(checkCron(expression)).toBe(verdict);
    expect(checkCron(expression)).toBe(verdict);
    expect(checkCron(` ${expression}`)).toBe(verdict === null ? null : verdict.replace(`"${expression}"`, `" ${expression}"`));
  });
});

// checkCron answers from cronMatcher's tables, without croner, when the tables read the pattern:
// the verdict must be croner's own (it accepts the pattern, and finds a fire, or none).
describe('checkCron without croner, for the patterns the tables read', () => {
  const NEVER_FIRES_PROBE = new Date(Date.UTC(2000, 0, 1));
  /** What checkCron answered when it always asked croner. */
  function cronerVerdict(expression: string): string | null {
    const read = readCron(expression);
    if ('problem' in read) return read.problem;
    try {
      const cron = new Cron(read.pattern, { mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', domAndDow: false, utcOffset: 0 });
      if (cron.nextRun(NEVER_FIRES_PROBE) instanceof Date) return null;
    } catch (error) {
      return cronerProblem(expression, error);
    }
    return `"${expression}" is not a valid cron expression (never fires: no date matches its day and month fields)`;
  }
  const SHAPES: [number, number, string[]?][] = [
    [0, 59],
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12, ['JAN', 'feb', 'MAR', 'apr', 'MAY', 'jun', 'JUL', 'aug', 'SEP', 'oct', 'NOV', 'dec']],
    [0, 7, ['SUN', 'mon', 'TUE', 'wed', 'THU', 'fri', 'SAT']],
  ];
  function item(random: () => number, [min, max, names]: [number, number, string[]?]): string {
    const value = () => {
      const v = min + Math.floor(random() * (max - min + 1));
      return names && random() < 0.3 ? (names[(v - min) % names.length] ?? String(v)) : String(v);
    };
    const step = () => `/${1 + Math.floor(random() * (max + 2))}`;
    const roll = random();
    if (roll < 0.15) return '*';
    if (roll < 0.3) return `*${step()}`;
    if (roll < 0.55) return value();
    const range = `${value()}-${value()}`;
    return roll < 0.8 ? range : `${range}${step()}`;
  }
  const random = seededRandom(17);
  const cases = Array.from({ length: 3000 }, () => {
    const fields = SHAPES.map((shape) => Array.from({ length: 1 + Math.floor(random() * 2) }, () => item(random, shape)).join(','));
    return (random() < 0.5 ? fields.slice(1) : fields).join(' ');
  });
  const read = cases.filter((expression) => {
    const r = readCron(expression);
    return !('problem' in r) && readCronMatcher(r.pattern) !== null;
  });

  it('covers hundreds of patterns the tables read (the rest are refused by readCron or read by croner alone)', () => {
    expect(read.length).toBeGreaterThan(300);
    expect(read.filter((e) => cronerVerdict(e) === null).length).toBeGreaterThan(150);
  });

  it('gives croner\'s verdict for every one of 3,000 random patterns', () => {
    const differ = cases.filter((expression) => checkCron(expression) !== cronerVerdict(expression));
    expect(differ).toEqual([]);
  });
});

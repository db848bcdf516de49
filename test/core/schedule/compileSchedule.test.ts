import { describe, expect, it } from 'vitest';
import { ConductorError } from '../../../src/core/errors.js';
import { checkCron, compileSchedule } from '../../../src/core/schedule/cron.js';
import { at, nextFires } from './fires.js';

/** The first `count` fires after `from`, in UTC. */
function firstFires(expression: string, from: string, count: number): string[] {
  return nextFires(expression, 'UTC', from, count);
}

describe('compileSchedule', () => {
  describe('when given a valid expression and zone', () => {
    it('keeps the expression as written and the zone it reads it in', () => {
      const schedule = compileSchedule('  30 2 * * *', 'Europe/Berlin');
      expect(schedule.expression).toBe('  30 2 * * *');
      expect(schedule.timezone).toBe('Europe/Berlin');
    });

    it('answers next strictly after the instant, even when the instant is a fire', () => {
      const schedule = compileSchedule('0 * * * *', 'UTC');
      expect(schedule.next(at('2025-06-01T10:00:00Z'))).toBe(at('2025-06-01T11:00:00Z'));
      expect(schedule.next(at('2025-06-01T09:59:59.999Z'))).toBe(at('2025-06-01T10:00:00Z'));
    });

    it('answers prev at or before the instant, so a fire is its own prev', () => {
      const schedule = compileSchedule('0 * * * *', 'UTC');
      expect(schedule.prev(at('2025-06-01T10:00:00Z'))).toBe(at('2025-06-01T10:00:00Z'));
      expect(schedule.prev(at('2025-06-01T09:59:59.999Z'))).toBe(at('2025-06-01T09:00:00Z'));
    });

    it('ignores milliseconds: fires are whole seconds', () => {
      const schedule = compileSchedule('* * * * * *', 'UTC');
      expect(schedule.next(at('2025-06-01T10:00:00.500Z'))).toBe(at('2025-06-01T10:00:01Z'));
      expect(schedule.prev(at('2025-06-01T10:00:00.500Z'))).toBe(at('2025-06-01T10:00:00Z'));
    });

    it('gives the same answers however often it is asked (no hidden state)', () => {
      const schedule = compileSchedule('*/15 * * * *', 'America/New_York');
      const t = at('2025-11-02T01:20:00-05:00');
      const first = [schedule.next(t), schedule.prev(t)];
      schedule.next(at('2030-01-01T00:00:00Z'));
      schedule.prev(at('2001-01-01T00:00:00Z'));
      expect([schedule.next(t), schedule.prev(t)]).toEqual(first);
    });

    it('keeps two schedules of the same expression in different zones apart', () => {
      const t = at('2025-06-01T00:00:00Z');
      expect(compileSchedule('0 9 * * *', 'Asia/Kolkata').next(t)).toBe(at('2025-06-01T03:30:00Z'));
      expect(compileSchedule('0 9 * * *', 'America/New_York').next(t)).toBe(at('2025-06-01T13:00:00Z'));
    });
  });

  describe('when the expression or zone is invalid', () => {
    it.each(['61 * * * *', '0 0 0 1 1 * 2030', '', '@reboot'])('throws INPUT_INVALID with checkCron\'s message for %j', (expression) => {
      const thrown = catchError(() => compileSchedule(expression, 'UTC'));
      expect(thrown).toBeInstanceOf(ConductorError);
      expect((thrown as ConductorError).code).toBe('INPUT_INVALID');
      expect((thrown as ConductorError).message).toBe(checkCron(expression));
    });

    it('throws INPUT_INVALID for an unknown zone', () => {
      expect(() => compileSchedule('0 0 * * *', 'Mars/Base')).toThrow('unknown timezone "Mars/Base"');
    });

    it('compiles an expression that never fires, whose next and prev are null', () => {
      const schedule = compileSchedule('0 0 30 2 *', 'UTC');
      expect(schedule.next(at('2025-01-01T00:00:00Z'))).toBeNull();
      expect(schedule.prev(at('2025-01-01T00:00:00Z'))).toBeNull();
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, 9e15])('refuses %s as an instant', (ms) => {
      const schedule = compileSchedule('0 0 * * *', 'UTC');
      expect(() => schedule.next(ms)).toThrow(RangeError);
      expect(() => schedule.prev(ms)).toThrow(RangeError);
    });
  });
});

describe('cron syntax', () => {
  describe('nicknames', () => {
    it.each([
      ['@yearly', '2026-01-01T00:00:00+00:00'],
      ['@annually', '2026-01-01T00:00:00+00:00'],
      ['@monthly', '2025-07-01T00:00:00+00:00'],
      ['@weekly', '2025-06-08T00:00:00+00:00'],
      ['@daily', '2025-06-03T00:00:00+00:00'],
      ['@midnight', '2025-06-03T00:00:00+00:00'],
      ['@hourly', '2025-06-02T11:00:00+00:00'],
    ])('%s fires next at %s after Monday 2025-06-02 10:30', (nickname, expected) => {
      expect(firstFires(nickname, '2025-06-02T10:30:00Z', 1)).toEqual([expected]);
    });
  });

  describe('six fields', () => {
    it('reads the first field as seconds', () => {
      expect(firstFires('*/20 * * * * *', '2025-06-02T10:00:00Z', 4)).toEqual([
        '2025-06-02T10:00:20+00:00',
        '2025-06-02T10:00:40+00:00',
        '2025-06-02T10:01:00+00:00',
        '2025-06-02T10:01:20+00:00',
      ]);
    });

    it('fires at the given second of a fixed time', () => {
      expect(firstFires('30 0 12 * * *', '2025-06-02T10:00:00Z', 2)).toEqual([
        '2025-06-02T12:00:30+00:00',
        '2025-06-03T12:00:30+00:00',
      ]);
    });

    it('reads five fields as seconds 0', () => {
      expect(firstFires('* * * * *', '2025-06-02T10:00:30Z', 1)).toEqual(['2025-06-02T10:01:00+00:00']);
    });
  });

  describe('L, W and #', () => {
    it.each([
      ['0 0 L * *', '2024-02-01T00:00:00Z', '2024-02-29T00:00:00+00:00', 'L: the last day, in a leap February'],
      ['0 0 L * *', '2025-02-01T00:00:00Z', '2025-02-28T00:00:00+00:00', 'L: the last day of February'],
      ['0 0 LW * *', '2025-05-01T00:00:00Z', '2025-05-30T00:00:00+00:00', 'LW: the last weekday (May 31 is a Saturday)'],
      ['0 0 15W * *', '2025-06-01T00:00:00Z', '2025-06-16T00:00:00+00:00', '15W: Sunday the 15th moves to Monday'],
      ['0 0 15W * *', '2025-03-01T00:00:00Z', '2025-03-14T00:00:00+00:00', '15W: Saturday the 15th moves to Friday'],
      ['0 0 1W * *', '2025-10-31T12:00:00Z', '2025-11-03T00:00:00+00:00', '1W: Saturday the 1st moves to Monday, not into October'],
      ['0 0 * * 5#2', '2025-06-01T00:00:00Z', '2025-06-13T00:00:00+00:00', '5#2: the second Friday'],
      ['0 0 * * MON#1', '2025-06-01T00:00:00Z', '2025-06-02T00:00:00+00:00', 'MON#1: the first Monday'],
      ['0 0 * * FRI#L', '2025-06-01T00:00:00Z', '2025-06-27T00:00:00+00:00', 'FRI#L: the last Friday'],
      ['0 0 * * 5L', '2025-06-01T00:00:00Z', '2025-06-27T00:00:00+00:00', '5L: the last Friday'],
    ])('%s after %s fires %s (%s)', (expression, from, expected) => {
      expect(firstFires(expression, from, 1)).toEqual([expected]);
    });
  });

  describe('names', () => {
    it('MON-FRI skips the weekend', () => {
      expect(firstFires('0 9 * * MON-FRI', '2025-06-06T10:00:00Z', 2)).toEqual([
        '2025-06-09T09:00:00+00:00',
        '2025-06-10T09:00:00+00:00',
      ]);
    });

    it('month names and day names are case-insensitive', () => {
      expect(firstFires('0 0 1 jan,Jul *', '2025-02-01T00:00:00Z', 2)).toEqual([
        '2025-07-01T00:00:00+00:00',
        '2026-01-01T00:00:00+00:00',
      ]);
    });

    it('7 is Sunday, as 0 is', () => {
      expect(firstFires('0 0 * * 7', '2025-06-02T00:00:00Z', 1)).toEqual(firstFires('0 0 * * 0', '2025-06-02T00:00:00Z', 1));
      expect(firstFires('0 0 * * 7', '2025-06-02T00:00:00Z', 1)).toEqual(['2025-06-08T00:00:00+00:00']);
    });
  });

  describe('day-of-month together with day-of-week', () => {
    it('fires when either matches (Vixie OR)', () => {
      expect(firstFires('0 0 13 * FRI', '2025-06-01T00:00:00Z', 7)).toEqual([
        '2025-06-06T00:00:00+00:00',
        '2025-06-13T00:00:00+00:00',
        '2025-06-20T00:00:00+00:00',
        '2025-06-27T00:00:00+00:00',
        '2025-07-04T00:00:00+00:00',
        '2025-07-11T00:00:00+00:00',
        '2025-07-13T00:00:00+00:00',
      ]);
    });

    it('fires only when both match with croner\'s + (AND) modifier', () => {
      expect(firstFires('0 0 13 * +FRI', '2025-06-01T00:00:00Z', 2)).toEqual([
        '2025-06-13T00:00:00+00:00',
        '2026-02-13T00:00:00+00:00',
      ]);
    });

    it("needs both when one field starts with * (Vixie's */2 is not a restriction)", () => {
      // Odd days that are Mondays, in June 2026: the 15th and the 29th (not odd days OR Mondays).
      expect(firstFires('0 0 */2 * 1', '2026-06-01T00:00:00Z', 3)).toEqual([
        '2026-06-15T00:00:00+00:00',
        '2026-06-29T00:00:00+00:00',
        '2026-07-13T00:00:00+00:00',
      ]);
      // Day 1 of a month that falls on an even weekday (Sunday, Tuesday, Thursday, Saturday).
      expect(firstFires('0 0 1 * */2', '2026-06-01T00:00:00Z', 2)).toEqual(['2026-08-01T00:00:00+00:00', '2026-09-01T00:00:00+00:00']);
    });

    it('uses day-of-week alone when day-of-month is *', () => {
      expect(firstFires('0 0 * * FRI', '2025-06-01T00:00:00Z', 2)).toEqual([
        '2025-06-06T00:00:00+00:00',
        '2025-06-13T00:00:00+00:00',
      ]);
    });
  });

  it('? is a wildcard', () => {
    expect(firstFires('0 0 ? * MON', '2025-06-01T00:00:00Z', 1)).toEqual(['2025-06-02T00:00:00+00:00']);
  });

  it('steps over ranges', () => {
    expect(firstFires('0 9-17/4 * * *', '2025-06-01T00:00:00Z', 4)).toEqual([
      '2025-06-01T09:00:00+00:00',
      '2025-06-01T13:00:00+00:00',
      '2025-06-01T17:00:00+00:00',
      '2025-06-02T09:00:00+00:00',
    ]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

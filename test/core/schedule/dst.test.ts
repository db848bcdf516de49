// Daylight saving as Vixie cron (the contract): a fixed-time task (no wildcard or step in
// second, minute and hour) whose time falls in the skipped hour runs once, right after the
// jump, the same day; in the repeated hour it runs once, at the first pass. Every other task
// keeps real-time spacing: it runs on both passes of a repeated hour and not in a gap.
import { describe, expect, it } from 'vitest';
import { compileSchedule, formatInZone } from '../../../src/core/schedule/cron.js';
import { at, firesBetween, firesOnDay } from './fires.js';

describe('America/New_York', () => {
  const zone = 'America/New_York';

  describe('on the spring-forward day (2025-03-09, 02:00 EST -> 03:00 EDT)', () => {
    it.each([
      ['30 2 * * *', ['2025-03-09T03:00:00-04:00'], 'a time in the gap runs once, right after the jump'],
      ['0 2 * * *', ['2025-03-09T03:00:00-04:00'], 'the start of the gap runs right after the jump'],
      ['0,30 2 * * *', ['2025-03-09T03:00:00-04:00'], 'two times in the gap run once, not twice at the same instant'],
      ['0 30 2 * * *', ['2025-03-09T03:00:00-04:00'], 'six fields: a time in the gap runs right after the jump'],
      ['30 2,14 * * *', ['2025-03-09T03:00:00-04:00', '2025-03-09T14:30:00-04:00'], 'a list of hours is a fixed time, as in Vixie cron'],
      ['0 1-3 * * *', ['2025-03-09T01:00:00-05:00', '2025-03-09T03:00:00-04:00'], 'a moved fire that meets a regular one is one fire'],
      ['30 1 * * *', ['2025-03-09T01:30:00-05:00'], 'a time before the gap is not moved'],
      ['30 3 * * *', ['2025-03-09T03:30:00-04:00'], 'a time after the gap is not moved'],
    ])('fixed time %s fires %j (%s)', (expression, expected) => {
      expect(firesOnDay(expression, zone, '2025-03-09')).toEqual(expected);
    });

    it.each([
      ['*/30 2 * * *', 'a step in the minute'],
      ['* 2 * * *', 'a wildcard in the minute'],
      ['0 */2 * * *', 'a step in the hour'],
    ])('interval task %s skips the gap (%s)', (expression) => {
      expect(firesOnDay(expression, zone, '2025-03-09').filter((fire) => fire.includes('T02:'))).toEqual([]);
      expect(firesOnDay(expression, zone, '2025-03-09').filter((fire) => fire.includes('T03:00:00'))).toEqual([]);
    });

    it('*/15 * * * * fires 92 times in the 23-hour day, 15 real minutes apart across the jump', () => {
      const fires = firesOnDay('*/15 * * * *', zone, '2025-03-09');
      expect(fires).toHaveLength(92);
      expect(firesBetween('*/15 * * * *', zone, '2025-03-09T01:30:00-05:00', '2025-03-09T03:30:00-04:00')).toEqual([
        '2025-03-09T01:45:00-05:00',
        '2025-03-09T03:00:00-04:00',
        '2025-03-09T03:15:00-04:00',
        '2025-03-09T03:30:00-04:00',
      ]);
    });

    it('0 * * * * fires 23 times, an hour apart', () => {
      const fires = firesOnDay('0 * * * *', zone, '2025-03-09');
      expect(fires).toHaveLength(23);
      expect(fires.slice(0, 3)).toEqual(['2025-03-09T00:00:00-05:00', '2025-03-09T01:00:00-05:00', '2025-03-09T03:00:00-04:00']);
    });

    it('asked just before the jump, the next fire of a gap time is the jump', () => {
      const schedule = compileSchedule('30 2 * * *', zone);
      expect(formatInZone(schedule.next(at('2025-03-09T01:59:59-05:00'))!, zone)).toBe('2025-03-09T03:00:00-04:00');
      expect(formatInZone(schedule.prev(at('2025-03-09T03:00:00-04:00'))!, zone)).toBe('2025-03-09T03:00:00-04:00');
      expect(formatInZone(schedule.prev(at('2025-03-09T01:59:59-05:00'))!, zone)).toBe('2025-03-08T02:30:00-05:00');
      expect(formatInZone(schedule.prev(at('2025-03-09T02:59:59-04:00'))!, zone)).toBe('2025-03-08T02:30:00-05:00');
    });
  });

  describe('on the fall-back day (2025-11-02, 02:00 EDT -> 01:00 EST)', () => {
    it.each([
      ['30 1 * * *', ['2025-11-02T01:30:00-04:00'], 'a time in the repeated hour runs once, at the first pass'],
      ['0,30 1 * * *', ['2025-11-02T01:00:00-04:00', '2025-11-02T01:30:00-04:00'], 'a list runs once per value'],
      ['0 1 * * *', ['2025-11-02T01:00:00-04:00'], 'the start of the repeated hour runs once'],
      ['30 2 * * *', ['2025-11-02T02:30:00-05:00'], 'a time after the repeated hour runs once'],
      ['0 0 1 * * *', ['2025-11-02T01:00:00-04:00'], 'six fields: runs once'],
    ])('fixed time %s fires %j (%s)', (expression, expected) => {
      expect(firesOnDay(expression, zone, '2025-11-02')).toEqual(expected);
    });

    it('an interval task in the repeated hour runs on both passes', () => {
      expect(firesOnDay('*/30 1 * * *', zone, '2025-11-02')).toEqual([
        '2025-11-02T01:00:00-04:00',
        '2025-11-02T01:30:00-04:00',
        '2025-11-02T01:00:00-05:00',
        '2025-11-02T01:30:00-05:00',
      ]);
    });

    it('*/15 * * * * fires 100 times in the 25-hour day', () => {
      expect(firesOnDay('*/15 * * * *', zone, '2025-11-02')).toHaveLength(100);
    });

    it('0 * * * * fires 25 times, at 01:00 on both passes', () => {
      const fires = firesOnDay('0 * * * *', zone, '2025-11-02');
      expect(fires).toHaveLength(25);
      expect(fires.slice(1, 4)).toEqual(['2025-11-02T01:00:00-04:00', '2025-11-02T01:00:00-05:00', '2025-11-02T02:00:00-05:00']);
    });

    it('asked during the second pass, a fixed time does not fire again that day', () => {
      const schedule = compileSchedule('30 1 * * *', zone);
      const secondPass = at('2025-11-02T01:10:00-05:00');
      expect(formatInZone(schedule.next(secondPass)!, zone)).toBe('2025-11-03T01:30:00-05:00');
      expect(formatInZone(schedule.prev(secondPass)!, zone)).toBe('2025-11-02T01:30:00-04:00');
    });

    it('asked during the second pass, an interval task fires again in it', () => {
      const schedule = compileSchedule('*/30 1 * * *', zone);
      expect(formatInZone(schedule.next(at('2025-11-02T01:10:00-05:00'))!, zone)).toBe('2025-11-02T01:30:00-05:00');
    });
  });
});

describe('Europe/Berlin', () => {
  const zone = 'Europe/Berlin';

  describe('on the spring-forward day (2025-03-30, 02:00 CET -> 03:00 CEST)', () => {
    it('a fixed time in the gap runs once, right after the jump', () => {
      expect(firesOnDay('30 2 * * *', zone, '2025-03-30')).toEqual(['2025-03-30T03:00:00+02:00']);
      expect(firesOnDay('15,45 2 * * *', zone, '2025-03-30')).toEqual(['2025-03-30T03:00:00+02:00']);
    });

    it('the fixed time keeps its wall time the days around', () => {
      expect(firesBetween('30 2 * * *', zone, '2025-03-29T00:00:00', '2025-04-01T00:00:00')).toEqual([
        '2025-03-29T02:30:00+01:00',
        '2025-03-30T03:00:00+02:00',
        '2025-03-31T02:30:00+02:00',
      ]);
    });

    it('*/15 * * * * fires 92 times and 0 * * * * 23 times', () => {
      expect(firesOnDay('*/15 * * * *', zone, '2025-03-30')).toHaveLength(92);
      expect(firesOnDay('0 * * * *', zone, '2025-03-30')).toHaveLength(23);
    });
  });

  describe('on the fall-back day (2025-10-26, 03:00 CEST -> 02:00 CET)', () => {
    it('a fixed time in the repeated hour runs once, at the first pass', () => {
      expect(firesOnDay('30 2 * * *', zone, '2025-10-26')).toEqual(['2025-10-26T02:30:00+02:00']);
    });

    it('an interval task runs on both passes', () => {
      expect(firesOnDay('*/30 2 * * *', zone, '2025-10-26')).toEqual([
        '2025-10-26T02:00:00+02:00',
        '2025-10-26T02:30:00+02:00',
        '2025-10-26T02:00:00+01:00',
        '2025-10-26T02:30:00+01:00',
      ]);
    });

    it('*/15 * * * * fires 100 times and 0 * * * * 25 times', () => {
      expect(firesOnDay('*/15 * * * *', zone, '2025-10-26')).toHaveLength(100);
      expect(firesOnDay('0 * * * *', zone, '2025-10-26')).toHaveLength(25);
    });
  });
});

describe('America/Santiago (changes at midnight)', () => {
  const zone = 'America/Santiago';

  describe('on the spring-forward day (2025-09-07, 00:00 -04 -> 01:00 -03: midnight does not exist)', () => {
    it('0 0 * * * still fires once that day, at 01:00', () => {
      expect(firesBetween('0 0 * * *', zone, '2025-09-05T12:00:00', '2025-09-08T12:00:00')).toEqual([
        '2025-09-06T00:00:00-04:00',
        '2025-09-07T01:00:00-03:00',
        '2025-09-08T00:00:00-03:00',
      ]);
    });

    it.each([
      ['@daily', ['2025-09-07T01:00:00-03:00']],
      ['30 0 * * *', ['2025-09-07T01:00:00-03:00']],
      ['0 0,1 * * *', ['2025-09-07T01:00:00-03:00']],
      ['0 23 * * *', ['2025-09-07T23:00:00-03:00']],
    ])('fixed time %s fires %j', (expression, expected) => {
      expect(firesOnDay(expression, zone, '2025-09-07')).toEqual(expected);
    });

    it('*/15 * * * * fires 92 times and 0 * * * * 23 times, from 01:00', () => {
      expect(firesOnDay('*/15 * * * *', zone, '2025-09-07')).toHaveLength(92);
      const hourly = firesOnDay('0 * * * *', zone, '2025-09-07');
      expect(hourly).toHaveLength(23);
      expect(hourly[0]).toBe('2025-09-07T01:00:00-03:00');
    });
  });

  describe('on the fall-back day (2025-04-05, 24:00 -03 -> 23:00 -04: 23:00-23:59 happens twice)', () => {
    it('a fixed time in the repeated hour runs once, at the first pass', () => {
      expect(firesOnDay('30 23 * * *', zone, '2025-04-05')).toEqual(['2025-04-05T23:30:00-03:00']);
    });

    it('midnight after the repeated hour runs once', () => {
      expect(firesOnDay('0 0 * * *', zone, '2025-04-06')).toEqual(['2025-04-06T00:00:00-04:00']);
    });

    it('0 * * * * fires 25 times, at 23:00 on both passes', () => {
      const hourly = firesOnDay('0 * * * *', zone, '2025-04-05');
      expect(hourly).toHaveLength(25);
      expect(hourly.slice(-2)).toEqual(['2025-04-05T23:00:00-03:00', '2025-04-05T23:00:00-04:00']);
    });

    it('*/15 * * * * fires 100 times', () => {
      expect(firesOnDay('*/15 * * * *', zone, '2025-04-05')).toHaveLength(100);
    });
  });
});

describe('Australia/Lord_Howe (half-hour changes)', () => {
  const zone = 'Australia/Lord_Howe';

  it('spring forward (2025-10-05, 02:00 +10:30 -> 02:30 +11): a fixed time in the gap runs at 02:30', () => {
    expect(firesOnDay('15 2 * * *', zone, '2025-10-05')).toEqual(['2025-10-05T02:30:00+11:00']);
    expect(firesOnDay('*/15 * * * *', zone, '2025-10-05')).toHaveLength(94);
    expect(firesOnDay('0 * * * *', zone, '2025-10-05')).toHaveLength(23);
  });

  it('fall back (2025-04-06, 02:00 +11 -> 01:30 +10:30): a fixed time in the repeated half hour runs once', () => {
    expect(firesOnDay('45 1 * * *', zone, '2025-04-06')).toEqual(['2025-04-06T01:45:00+11:00']);
    expect(firesOnDay('*/15 * * * *', zone, '2025-04-06')).toHaveLength(98);
    expect(firesOnDay('0 * * * *', zone, '2025-04-06')).toHaveLength(24);
  });
});

describe.each(['Asia/Kolkata', 'UTC'])('%s (no daylight saving)', (zone) => {
  it.each(['2025-03-09', '2025-03-30', '2025-11-02', '2025-10-26'])('every day has 24 hours (%s)', (day) => {
    expect(firesOnDay('*/15 * * * *', zone, day)).toHaveLength(96);
    expect(firesOnDay('0 * * * *', zone, day)).toHaveLength(24);
    expect(firesOnDay('30 2 * * *', zone, day)).toEqual([`${day}T02:30:00${zone === 'UTC' ? '+00:00' : '+05:30'}`]);
  });
});

// next and prev must agree with each other and with croner itself, for any instant,
// including around DST changes: the engine's "never lose or repeat a fire" rests on it.
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/core/schedule/cron.js';
import { at, seededRandom } from './fires.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Each zone with the instants of its 2025 DST changes (none for Kolkata and UTC). */
const ZONES: ReadonlyArray<[string, string[]]> = [
  ['America/New_York', ['2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z']],
  ['Europe/Berlin', ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z']],
  ['America/Santiago', ['2025-04-06T03:00:00Z', '2025-09-07T04:00:00Z']],
  ['Australia/Lord_Howe', ['2025-04-05T15:00:00Z', '2025-10-04T15:30:00Z']],
  ['Asia/Kolkata', ['2025-06-01T00:00:00Z']],
  ['UTC', ['2025-06-01T00:00:00Z']],
];

const EXPRESSIONS = [
  '30 2 * * *',
  '0,30 2 * * *',
  '0 1-3 * * *',
  '30 1 * * *',
  '30 23 * * *',
  '0 0 * * *',
  '*/15 * * * *',
  '0 * * * *',
  '*/30 1,2 * * *',
  '15,45 0-3 * * *',
  '0 12 * * MON',
  '0 0 1 * *',
  '*/20 * * * * *',
  '@yearly',
];

/** Instants within 3 days of each DST change, and some anywhere in 2024-2026. */
function instants(changes: string[], seed: number, count: number): number[] {
  const random = seededRandom(seed);
  const near = changes.flatMap((change) =>
    Array.from({ length: count }, () => at(change) + Math.floor((random() - 0.5) * 6 * DAY)),
  );
  const anywhere = Array.from({ length: count }, () => at('2024-01-01T00:00:00Z') + Math.floor(random() * 3 * 365 * DAY));
  return [...near, ...anywhere];
}

describe.each(ZONES)('in %s', (zone, changes) => {
  describe.each(EXPRESSIONS)('%s', (expression) => {
    const schedule = compileSchedule(expression, zone);
    const samples = instants(changes, expression.length * 7919 + zone.length, 40);

    it('prev(t) <= t < next(t), and next(prev(t)) is next(t)', () => {
      for (const t of samples) {
        const previous = schedule.prev(t);
        const following = schedule.next(t);
        expect(following === null || following > t, `next(${t})`).toBe(true);
        expect(previous === null || previous <= t, `prev(${t})`).toBe(true);
        if (previous !== null) expect(schedule.next(previous), `next(prev(${t}))`).toBe(following);
      }
    });

    it('prev(next(t)) is next(t), and prev(next(t) - 1) is prev(t)', () => {
      for (const t of samples) {
        const following = schedule.next(t);
        if (following === null) continue;
        expect(schedule.prev(following), `prev(next(${t}))`).toBe(following);
        expect(schedule.prev(following - 1), `prev(next(${t}) - 1)`).toBe(schedule.prev(t));
      }
    });

    it('agrees with croner evaluated in the zone', () => {
      const oracle = new Cron(expression, { timezone: zone, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', domAndDow: false });
      for (const t of samples) {
        expect(schedule.next(t), `next(${new Date(t).toISOString()})`).toBe(oracle.nextRun(new Date(t))?.getTime() ?? null);
        expect(schedule.prev(t), `prev(${new Date(t).toISOString()})`).toBe(oracle.previousRuns(1, new Date(t + 1))[0]?.getTime() ?? null);
      }
    });

    it('iterated across each DST change, is strictly increasing and is what next(t) says for t in between', () => {
      const random = seededRandom(expression.length);
      const reach = expression.split(' ').length === 6 ? 6 * HOUR : 2 * DAY;
      for (const change of changes) {
        const fires: number[] = [];
        const end = at(change) + reach;
        for (let fire = schedule.next(at(change) - reach); fire !== null && fire <= end; fire = schedule.next(fire)) {
          if (fires.length > 0) expect(fire).toBeGreaterThan(fires[fires.length - 1]!);
          fires.push(fire);
        }
        for (let probe = 0; probe < 30; probe++) {
          const t = at(change) - reach + Math.floor(random() * 2 * reach);
          const expected = fires.find((fire) => fire > t);
          if (expected !== undefined) expect(schedule.next(t)).toBe(expected);
          const previous = fires.filter((fire) => fire <= t).pop();
          if (previous !== undefined) expect(schedule.prev(t)).toBe(previous);
        }
      }
    });
  });
});

describe('prev far from any fire', () => {
  it('finds a fire years back (29 February)', () => {
    expect(compileSchedule('0 0 29 2 *', 'Europe/Berlin').prev(at('2027-06-01T00:00:00Z'))).toBe(at('2024-02-29T00:00:00+01:00'));
  });

  it('finds the yearly fire across both DST changes', () => {
    expect(compileSchedule('@yearly', 'America/New_York').prev(at('2025-12-31T23:00:00Z'))).toBe(at('2025-01-01T00:00:00-05:00'));
  });
});

describe('schedules that share a pattern (they share its croner objects and their last answer)', () => {
  it('each answer as croner in its own zone, asked in turn from the same and from other instants', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'UTC'];
    const schedules = zones.map((zone) => compileSchedule('*/7 3 * * *', zone));
    const oracles = zones.map((zone) => new Cron('*/7 3 * * *', { timezone: zone, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', domAndDow: false }));
    const random = seededRandom(7);
    let t = at('2025-03-08T00:00:00Z');
    for (let step = 0; step < 200; step++) {
      if (random() < 0.5) t += Math.floor(random() * 2 * DAY);
      schedules.forEach((schedule, index) => {
        expect(schedule.next(t), `${zones[index]} next(${new Date(t).toISOString()})`).toBe(oracles[index]?.nextRun(new Date(t))?.getTime() ?? null);
      });
    }
  });
});

// next() is asked for every task on every tick, and `status` compiles every task: keep both
// cheap. The bounds are loose (a shared CI machine is slow); they catch a lost cache or a
// fast path that stopped applying, not a few percent.
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/core/schedule/cron.js';
import { at } from './fires.js';

const EXPRESSIONS = [
  '30 2 * * *',
  '*/15 * * * *',
  '0 * * * *',
  '0 0 * * MON-FRI',
  '0 0 L * *',
  '0 */5 9-17 * * *',
  '@daily',
  '0 9 1,15 * *',
  '0 0 * * FRI#L',
  '5 4 * * SUN',
];
const ZONES = ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kolkata'];

function elapsedMs(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('performance', () => {
  it('compiles 10,000 schedules and asks each for its next fire within a second', () => {
    const t = at('2025-06-15T12:00:00Z');
    const ms = elapsedMs(() => {
      for (let i = 0; i < 10_000; i++) compileSchedule(EXPRESSIONS[i % EXPRESSIONS.length]!, ZONES[i % ZONES.length]!).next(t + i * 60_000);
    });
    expect(ms).toBeLessThan(1000);
  });

  it('answers 10,000 next and prev questions of one schedule within a second', () => {
    const schedule = compileSchedule('*/15 * * * *', 'America/New_York');
    const t = at('2025-06-15T12:00:00Z');
    const ms = elapsedMs(() => {
      for (let i = 0; i < 10_000; i++) {
        schedule.next(t + i * 7_000);
        schedule.prev(t + i * 7_000);
      }
    });
    expect(ms).toBeLessThan(1000);
  });

  it('stays usable on a DST day, where croner decides in the zone (1,000 next and prev within two seconds)', () => {
    const schedule = compileSchedule('30 2 * * *', 'America/New_York');
    const t = at('2025-03-09T00:00:00Z');
    const ms = elapsedMs(() => {
      for (let i = 0; i < 1_000; i++) {
        schedule.next(t + i * 60_000);
        schedule.prev(t + i * 60_000);
      }
    });
    expect(ms).toBeLessThan(2000);
  });
});

import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/core/schedule/cron.js';
import { fireWindow, MAX_LATE_FIRES } from '../../../src/core/scheduler/fireWindow.js';

const everySecond = compileSchedule('* * * * * *', 'UTC');
const hourly = compileSchedule('0 * * * *', 'UTC');
const t = (iso: string) => Date.parse(iso);

describe('fireWindow: the fires due at a wake-up', () => {
  it('when on time, is the one fire due', () => {
    const w = fireWindow(hourly, t('2025-06-01T01:00:00Z'), t('2025-06-01T02:00:00.004Z'), t('2025-06-01T02:00:00.004Z'));
    expect(w.fires).toEqual([t('2025-06-01T02:00:00Z')]);
    expect(w.cursor).toBe(t('2025-06-01T02:00:00Z'));
  });

  it('when the thread was busy (both clocks moved), keeps every late fire: none vanishes', () => {
    const now = t('2025-06-01T00:00:05.2Z');
    const w = fireWindow(everySecond, t('2025-06-01T00:00:00Z'), now, now);
    expect(w.fires.map((f) => new Date(f).toISOString())).toEqual([1, 2, 3, 4, 5].map((s) => `2025-06-01T00:00:0${s}.000Z`));
  });

  it('when the wall clock stepped forward, coalesces the stepped-over fires into the latest', () => {
    const w = fireWindow(hourly, t('2025-06-01T01:00:00Z'), t('2025-06-01T06:30:00Z'), t('2025-06-01T01:30:00Z'));
    expect(w.fires).toEqual([t('2025-06-01T06:00:00Z')]);
  });

  it('keeps the late part of a wake-up that was both late and stepped', () => {
    // Late by 2 hours of real time, then the clock jumped 3 more hours.
    const w = fireWindow(hourly, t('2025-06-01T00:00:00Z'), t('2025-06-01T05:30:00Z'), t('2025-06-01T02:30:00Z'));
    expect(w.fires).toEqual([t('2025-06-01T01:00:00Z'), t('2025-06-01T02:00:00Z'), t('2025-06-01T05:00:00Z')]);
  });

  it('repeats nothing when the clock stepped back less than three hours', () => {
    const w = fireWindow(hourly, t('2025-06-01T02:00:00Z'), t('2025-06-01T01:30:00Z'), t('2025-06-01T01:30:00Z'));
    expect(w.fires).toEqual([]);
    expect(w.cursor).toBe(t('2025-06-01T02:00:00Z'));
  });

  it('bounds the late fires of one wake-up and counts the rest as missed', () => {
    const cursor = t('2025-06-01T00:00:00Z');
    const now = cursor + (MAX_LATE_FIRES + 10) * 1000;
    const w = fireWindow(everySecond, cursor, now, now);
    expect(w.fires).toHaveLength(MAX_LATE_FIRES);
    expect(w.missed).toBe(10);
    expect(w.fires.at(-1)).toBe(now);
  });
});

// The dashboard's times: relative labels ("in 4 min", "12 s ago"), durations, and a time in a
// task's zone that says its zone. A page's clock lags the data it shows, so an instant that has
// happened must never read as one to come.
import { describe, expect, it } from 'vitest';
import { duration, relative, zonedTime } from '../../web/src/format.js';

const NOW = Date.parse('2025-06-02T10:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('relative', () => {
  it.each([
    [0, 'now'],
    [400, 'now'],
    [-400, 'now'],
    [12_000, 'in 12 s'],
    [-12_000, '12 s ago'],
    [4 * 60_000, 'in 4 min'],
    [-3 * 3_600_000, '3 h ago'],
    [-3 * 86_400_000, '3 d ago'],
  ])('%i ms from now reads "%s"', (ms, said) => {
    expect(relative(at(ms), NOW)).toBe(said);
  });

  it('never says a past instant (a run started, a wait began) is to come, though it is after the page’s now', () => {
    expect(relative(at(2000), NOW, 'past')).toBe('now');
    expect(relative(at(90_000), NOW, 'past')).toBe('now');
    expect(relative(at(-12_000), NOW, 'past')).toBe('12 s ago');
    expect(relative(null, NOW, 'past')).toBe('');
  });
});

describe('duration', () => {
  it.each([
    [850, '850 ms'],
    [12_300, '12.3 s'],
    [245_000, '4 min 05 s'],
    [7_380_000, '2 h 03 min'],
  ])('%i ms is "%s"', (ms, said) => {
    expect(duration(ms)).toBe(said);
  });
});

describe('zonedTime', () => {
  it.each([
    ['2025-06-02T07:00:00.000Z', 'America/New_York', '2025-06-02 03:00:00 EDT'],
    ['2025-12-02T08:00:00.000Z', 'America/New_York', '2025-12-02 03:00:00 EST'],
    ['2025-06-02T15:00:00.000Z', 'Asia/Tokyo', '2025-06-03 00:00:00 GMT+9'],
    ['2025-06-02T07:00:00.000Z', 'UTC', '2025-06-02 07:00:00 UTC'],
    ['2025-06-02T07:00:00.000Z', 'Asia/Kolkata', '2025-06-02 12:30:00 GMT+5:30'],
  ])('%s in %s reads "%s" (the zone said after the time)', (iso, zone, said) => {
    expect(zonedTime(iso, zone)).toBe(said);
  });

  it('a zone the browser does not know: its own time, still with a zone after it', () => {
    expect(zonedTime('2025-06-02T07:00:00.000Z', 'Not/A_Zone')).toMatch(/^2025-06-0\d \d\d:\d\d:00 \S+$/);
  });
});

import { describe, expect, it } from 'vitest';
import { hasZoneTransition, zoneOffsetMs } from '../../../src/core/schedule/zoneOffsets.js';
import { at, seededRandom } from './fires.js';

const HOUR = 3600_000;

/** The offset straight from Intl, to compare the table with. */
function intlOffset(zone: string, ms: number): number {
  const second = Math.floor(ms / 1000) * 1000;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  }).formatToParts(second);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const era = parts.find((part) => part.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - field('year') : field('year');
  const wall = new Date(Date.UTC(2000, field('month') - 1, field('day'), field('hour'), field('minute'), field('second')));
  wall.setUTCFullYear(year);
  return wall.getTime() - second;
}

describe('zoneOffsetMs', () => {
  it.each([
    ['America/New_York', '2025-03-09T06:59:59Z', -5 * HOUR],
    ['America/New_York', '2025-03-09T07:00:00Z', -4 * HOUR],
    ['America/New_York', '2025-11-02T05:59:59Z', -4 * HOUR],
    ['America/New_York', '2025-11-02T06:00:00Z', -5 * HOUR],
    ['Asia/Kolkata', '2025-06-01T00:00:00Z', 5.5 * HOUR],
    ['Asia/Kathmandu', '2025-06-01T00:00:00Z', 5.75 * HOUR],
    ['Australia/Lord_Howe', '2025-10-04T15:29:59Z', 10.5 * HOUR],
    ['Australia/Lord_Howe', '2025-10-04T15:30:00Z', 11 * HOUR],
    ['UTC', '2025-06-01T00:00:00Z', 0],
    ['America/New_York', '1850-01-01T00:00:00Z', -(4 * HOUR + 56 * 60_000 + 2000)],
  ])('%s at %s is %d ms', (zone, instant, offset) => {
    expect(zoneOffsetMs(zone, at(instant))).toBe(offset);
  });

  it.each(['America/New_York', 'Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Apia', 'Europe/London', 'UTC', 'Etc/UTC'])(
    'agrees with Intl in %s at random instants from 1900 to 2100',
    (zone) => {
      const random = seededRandom(zone.length);
      const from = at('1900-01-01T00:00:00Z');
      const span = at('2100-01-01T00:00:00Z') - from;
      for (let probe = 0; probe < 300; probe++) {
        const ms = from + Math.floor(random() * span);
        expect(zoneOffsetMs(zone, ms), new Date(ms).toISOString()).toBe(intlOffset(zone, ms));
      }
    },
  );

  it('knows the day Samoa skipped (2011-12-30 never happened in Pacific/Apia)', () => {
    expect(zoneOffsetMs('Pacific/Apia', at('2011-12-30T09:59:59Z'))).toBe(-10 * HOUR);
    expect(zoneOffsetMs('Pacific/Apia', at('2011-12-30T10:00:00Z'))).toBe(14 * HOUR);
  });

  it('throws RangeError for an unknown zone', () => {
    expect(() => zoneOffsetMs('Mars/Base', 0)).toThrow(RangeError);
  });
});

describe('hasZoneTransition', () => {
  const change = at('2025-03-09T07:00:00Z');

  it.each([
    [change - 1, change, true, 'a span ending at the change holds it'],
    [change, change + 1000, false, 'a span starting at the change does not'],
    [change - 30 * 24 * HOUR, change + 30 * 24 * HOUR, true, 'a long span holds it'],
    [change + 1000, change + 30 * 24 * HOUR, false, 'a span after it does not'],
  ])('(%d, %d] is %s: %s', (from, to, expected) => {
    expect(hasZoneTransition('America/New_York', from, to)).toBe(expected);
  });

  it('finds none in a zone without DST', () => {
    expect(hasZoneTransition('Asia/Kolkata', at('2024-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { formatInZone, parseInstant } from '../../../src/core/schedule/cron.js';
import { seededRandom } from './fires.js';

describe('formatInZone', () => {
  it.each([
    ['2025-03-09T06:59:59Z', 'America/New_York', '2025-03-09T01:59:59-05:00'],
    ['2025-03-09T07:00:00Z', 'America/New_York', '2025-03-09T03:00:00-04:00'],
    ['2025-11-02T05:30:00Z', 'America/New_York', '2025-11-02T01:30:00-04:00'],
    ['2025-11-02T06:30:00Z', 'America/New_York', '2025-11-02T01:30:00-05:00'],
    ['2025-03-30T00:59:59Z', 'Europe/Berlin', '2025-03-30T01:59:59+01:00'],
    ['2025-03-30T01:00:00Z', 'Europe/Berlin', '2025-03-30T03:00:00+02:00'],
    ['2025-10-26T00:30:00Z', 'Europe/Berlin', '2025-10-26T02:30:00+02:00'],
    ['2025-10-26T01:30:00Z', 'Europe/Berlin', '2025-10-26T02:30:00+01:00'],
    ['2025-09-07T03:59:59Z', 'America/Santiago', '2025-09-06T23:59:59-04:00'],
    ['2025-09-07T04:00:00Z', 'America/Santiago', '2025-09-07T01:00:00-03:00'],
    ['2025-04-06T02:30:00Z', 'America/Santiago', '2025-04-05T23:30:00-03:00'],
    ['2025-04-06T03:30:00Z', 'America/Santiago', '2025-04-05T23:30:00-04:00'],
    ['2025-06-01T00:00:00Z', 'Asia/Kolkata', '2025-06-01T05:30:00+05:30'],
    ['2025-06-01T00:00:00Z', 'Asia/Kathmandu', '2025-06-01T05:45:00+05:45'],
    ['2025-06-01T00:00:00Z', 'UTC', '2025-06-01T00:00:00+00:00'],
    ['2025-06-01T00:00:00Z', 'Etc/GMT+5', '2025-05-31T19:00:00-05:00'],
    ['2025-01-01T00:00:00.999Z', 'UTC', '2025-01-01T00:00:00+00:00'],
    ['1969-12-31T23:59:59.500Z', 'UTC', '1969-12-31T23:59:59+00:00'],
    ['1850-01-01T00:00:00Z', 'America/New_York', '1849-12-31T19:03:58-04:56:02'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(formatInZone(Date.parse(instant), zone)).toBe(expected);
  });

  it.each(['America/New_York', 'Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'names the same instant, to the second, in %s (parseInstant reads it back)',
    (zone) => {
      const random = seededRandom(zone.length);
      for (let probe = 0; probe < 300; probe++) {
        const ms = Date.parse('2020-01-01T00:00:00Z') + Math.floor(random() * 10 * 365 * 86_400_000);
        const text = formatInZone(ms, zone);
        expect(parseInstant(text, 'UTC'), text).toBe(Math.floor(ms / 1000) * 1000);
        expect(Date.parse(text), text).toBe(Math.floor(ms / 1000) * 1000);
      }
    },
  );
});

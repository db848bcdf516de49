import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../src/core/schedule/cron.js';

describe('parseInstant', () => {
  describe('when the text has Z or an offset', () => {
    it.each([
      ['2025-03-09T03:00:00Z', '2025-03-09T03:00:00.000Z'],
      ['2025-03-09T03:00:00z', '2025-03-09T03:00:00.000Z'],
      ['2025-03-09t03:00:00Z', '2025-03-09T03:00:00.000Z'],
      ['2025-03-09T03:00:00-04:00', '2025-03-09T07:00:00.000Z'],
      ['2025-03-09T03:00:00+05:30', '2025-03-08T21:30:00.000Z'],
      ['2025-03-09T03:00:00+0530', '2025-03-08T21:30:00.000Z'],
      ['2025-03-09T03:00:00+05', '2025-03-08T22:00:00.000Z'],
      ['2025-03-09 03:00:00Z', '2025-03-09T03:00:00.000Z'],
      ['2025-03-09T03:00Z', '2025-03-09T03:00:00.000Z'],
      ['2025-03-09T03:00:00.250Z', '2025-03-09T03:00:00.250Z'],
      ['2025-03-09T03:00:00.123456789Z', '2025-03-09T03:00:00.123Z'],
      ['  2025-03-09T03:00:00Z  ', '2025-03-09T03:00:00.000Z'],
    ])('reads %j as the instant it names, whatever the zone', (text, expected) => {
      expect(parseInstant(text, 'Asia/Tokyo')).toBe(Date.parse(expected));
    });
  });

  describe('when the text has no offset', () => {
    it.each([
      ['2025-06-01T09:00:00', 'America/New_York', '2025-06-01T13:00:00Z', 'a wall time in the zone'],
      ['2025-01-01T09:00:00', 'America/New_York', '2025-01-01T14:00:00Z', 'in winter time'],
      ['2025-06-01T09:00', 'Europe/Berlin', '2025-06-01T07:00:00Z', 'without seconds'],
      ['2025-06-01', 'Asia/Kolkata', '2025-05-31T18:30:00Z', 'a date alone is its midnight'],
      ['2025-06-01 09:00:00', 'UTC', '2025-06-01T09:00:00Z', 'a space for T'],
      ['2025-03-09T02:30:00', 'America/New_York', '2025-03-09T07:30:00Z', 'a skipped wall time moves forward by the gap (03:30 EDT)'],
      ['2025-11-02T01:30:00', 'America/New_York', '2025-11-02T05:30:00Z', 'a repeated wall time is its first pass (EDT)'],
      ['2025-09-07T00:00:00', 'America/Santiago', '2025-09-07T04:00:00Z', 'a midnight that does not exist is 01:00'],
      ['2025-04-05T23:30:00', 'America/Santiago', '2025-04-06T02:30:00Z', 'a repeated 23:30 is its first pass'],
      ['0099-01-01T00:00:00', 'UTC', '0099-01-01T00:00:00Z', 'a two-digit year stays as written'],
    ])('reads %j in %s as %s (%s)', (text, zone, expected) => {
      expect(parseInstant(text, zone)).toBe(Date.parse(expected));
    });
  });

  describe('when the text is not an instant', () => {
    it.each([
      '',
      'tomorrow',
      'now',
      '1741500000000',
      '2025-3-9',
      '2025-02-29T00:00:00Z',
      '2024-02-30',
      '2025-13-01',
      '2025-00-10',
      '2025-06-31',
      '2025-06-01T24:00:00Z',
      '2025-06-01T12:60:00Z',
      '2025-06-01T12:00:60Z',
      '2025-06-01T12:00:00+24:00',
      '2025-06-01T12:00:00+05:60',
      '2025-06-01T12',
      '2025-06-01Z',
      '2025-06-01T12:00:00 Europe/Berlin',
    ])('returns null for %j', (text) => {
      expect(parseInstant(text, 'UTC')).toBeNull();
    });

    it('accepts 29 February in a leap year', () => {
      expect(parseInstant('2024-02-29', 'UTC')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    });
  });
});

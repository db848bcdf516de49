// `--since`, `--temp-age`, `--timeout`: the period parser of the report and health tools.
import { describe, expect, it } from 'vitest';
import { formatPeriod, parsePeriod } from '../../../src/maintenance/shared/period.js';

describe('parsePeriod', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['45s', 45_000],
    ['1d12h', 129_600_000],
    [' 7D ', 604_800_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parsePeriod(text, '--since')).toBe(ms);
  });

  it.each(['', '7', 'd', '7 days', '-1d', '1.5h', '7y', 'h7', '0d', '0m0s', '99999w', 'last week'])('refuses %j as a usage error naming the flag', (text) => {
    expect(() => parsePeriod(text, '--since')).toThrow(/Bad --since/);
    try {
      parsePeriod(text, '--since');
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(1);
    }
  });
});

describe('formatPeriod', () => {
  it.each([
    [604_800_000, '1w'],
    [1_209_600_000, '2w'],
    [86_400_000, '1d'],
    [129_600_000, '36h'],
    [1_800_000, '30m'],
    [45_000, '45s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatPeriod(ms)).toBe(text);
  });
});

// One duration rule for every flag (`--in`, `--min-age`, `--purge-after`, `--since`, `--timeout` ...),
// and the two ways of writing a duration back: for people, and in the flag syntax.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatPeriod, parseDuration } from '../../../src/core/format/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1d12h', 129_600_000],
    [' 7D ', 604_800_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text, { flag: '--since' })).toBe(ms);
  });

  it.each(['', '7', 'd', '7 days', '-1d', '1.5h', '7y', 'h7', '0d', '0m0s', '99999w', 'last week'])('refuses %j as a usage error naming the flag', (text) => {
    expect(() => parseDuration(text, { flag: '--since' })).toThrow(/Bad --since/);
    try {
      parseDuration(text, { flag: '--since' });
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(1);
    }
  });

  it('refuses zero unless the flag allows it', () => {
    expect(() => parseDuration('0s', { flag: '--purge-after' })).toThrow(/Bad --purge-after/);
    expect(parseDuration('0s', { flag: '--min-age', allowZero: true })).toBe(0);
    expect(parseDuration('0h0m', { flag: '--min-age', allowZero: true })).toBe(0);
  });

  it('refuses more than the flag allows, saying the limit', () => {
    expect(() => parseDuration('2d', { flag: '--x', max: 86_400_000 })).toThrow(expect.objectContaining({ problems: [{ where: '--x', message: 'must be at most 1d' }] }));
    expect(parseDuration('1d', { flag: '--x', max: 86_400_000 })).toBe(86_400_000);
  });

  it('names the flag in every problem', () => {
    expect(() => parseDuration('7', { flag: '--in' })).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ where: '--in' })] }));
  });
});

describe('formatDuration', () => {
  it.each([
    [null, '-'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [90_000, '1m 30s'],
    [3_780_000, '1h 3m'],
    [2_592_000_000, '30d'],
    [183_600_000, '2d 3h'],
  ])('writes %j ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
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

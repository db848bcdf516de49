// One size parser and one size formatter for every command (`--large-size 10M`, disk space, freed bytes).
import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../../../src/core/format/size.js';

describe('parseSize', () => {
  it.each([
    ['1500', 1500],
    ['10M', 10 * 1024 * 1024],
    ['512k', 512 * 1024],
    ['1G', 1024 ** 3],
    ['1.5MiB', 1.5 * 1024 * 1024],
    ['2 MB', 2 * 1024 * 1024],
  ])('reads %j as %i bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'M', '10X', '-1', 'lots'])('refuses %j', (text) => {
    expect(() => parseSize(text)).toThrow(/Bad size/);
  });

  it.each([
    [10, '10 B'],
    [2048, '2.0 KiB'],
    [10 * 1024 * 1024, '10.0 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [3 * 1024 ** 5, '3.0 PiB'],
    [-2048, '-2.0 KiB'],
  ])('formats %i as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

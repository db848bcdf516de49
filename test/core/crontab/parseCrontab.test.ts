import { describe, expect, it } from 'vitest';
import { parseCrontab } from '../../../src/core/crontab/parseCrontab.js';

describe('parseCrontab', () => {
  it('skips blank and comment lines and keeps the line numbers of the rest', () => {
    const lines = ['# comment', '', '   # indented comment', 'A=1', '0 0 * * * x', 'garbage'].map((text, i) => ({ number: i + 1, text }));
    const entries = parseCrontab(lines, 'user');
    expect(entries.map((e) => [e.kind, e.line])).toEqual([
      ['env', 4],
      ['job', 5],
      ['refused', 6],
    ]);
  });

  it('refuses a setting with unmatched quotes as such, not as a bad minute', () => {
    const [entry] = parseCrontab([{ number: 3, text: 'A="open' }], 'user');
    expect(entry).toEqual({ kind: 'refused', line: 3, reason: expect.stringMatching(/quotes do not match/) });
  });
});

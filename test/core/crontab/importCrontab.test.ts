import { describe, expect, it } from 'vitest';
import { importCrontab } from '../../../src/core/crontab/importCrontab.js';

const options = { format: 'user' as const, source: 'x', existing: [], importingUser: null, defaultTimezone: null };

describe('importCrontab', () => {
  it.each([
    ['every job line imported', '0 1 * * * a\n0 2 * * * b\n', 'all'],
    ['some refused', '0 1 * * * a\n@reboot b\n', 'some'],
    ['every job line refused', '@reboot b\n61 * * * * c\n', 'none'],
    ['no job line at all', '# only\nMAILTO=x\n\n', 'none'],
    ['an empty file', '', 'none'],
  ])('says how it went when %s', (_label, text, outcome) => {
    const result = importCrontab(text, options);
    expect('outcome' in result && result.outcome).toBe(outcome);
  });

  it('puts the notes on the text first (CRLF, byte-order mark)', () => {
    const result = importCrontab('\uFEFF0 1 * * * a\r\n', options);
    if ('problem' in result) throw new Error(result.problem);
    expect(result.tasks.map((t) => t.command)).toEqual(['a']);
    expect(result.notes.slice(0, 2).map((n) => n.message)).toEqual([expect.stringMatching(/byte-order mark/), expect.stringMatching(/CRLF/)]);
  });

  it('refuses a binary file as a whole', () => {
    expect(importCrontab('\u0000\u0001', options)).toEqual({ problem: expect.stringMatching(/not a text file/) });
  });
});


import { describe, expect, it } from 'vitest';
import { splitCrontabLines } from '../../../src/core/crontab/splitLines.js';

describe('splitCrontabLines', () => {
  it.each([
    ['LF lines', 'a\nb\n', ['a', 'b'], 0],
    ['no final newline', 'a\nb', ['a', 'b'], 0],
    ['CRLF lines', 'a\r\nb\r\n', ['a', 'b'], 1],
    ['a byte-order mark', '\uFEFFa\nb\n', ['a', 'b'], 1],
    ['an empty file', '', [], 0],
    ['blank lines kept for numbering', '\n\na\n', ['', '', 'a'], 0],
  ])('reads %s', (_label, text, expected, noteCount) => {
    const split = splitCrontabLines(text);
    if ('problem' in split) throw new Error(split.problem);
    expect(split.lines.map((l) => l.text)).toEqual(expected);
    expect(split.lines.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
    expect(split.notes).toHaveLength(noteCount);
  });

  it('says how many lines ended in CRLF', () => {
    const split = splitCrontabLines('a\r\nb\r\nc\n');
    expect('notes' in split && split.notes[0]?.message).toMatch(/^2 lines ended in CRLF/);
  });

  it('refuses a binary file', () => {
    expect(splitCrontabLines('\u007fELF\u0000\u0001')).toEqual({ problem: expect.stringMatching(/not a text file/) });
  });
});

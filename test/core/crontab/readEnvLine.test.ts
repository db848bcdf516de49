import { describe, expect, it } from 'vitest';
import { readEnvLine } from '../../../src/core/crontab/readEnvLine.js';

describe('readEnvLine, as Vixie cron reads a setting', () => {
  it.each([
    ['SHELL=/bin/sh', 'SHELL', '/bin/sh'],
    ['PATH = /usr/bin:/bin', 'PATH', '/usr/bin:/bin'],
    ['  MAILTO=ops@example.com  ', 'MAILTO', 'ops@example.com'],
    ['MAILTO=""', 'MAILTO', ''],
    ["GREETING='  two spaces kept  '", 'GREETING', '  two spaces kept  '],
    ['"QUOTED NAME"=x', 'QUOTED NAME', 'x'],
    ['A=b c d', 'A', 'b c d'],
    ['A=b # not a comment', 'A', 'b # not a comment'],
    ['TZ=', 'TZ', ''],
    ['X\t=\tvalue', 'X', 'value'],
  ])('reads %j', (line, name, value) => {
    expect(readEnvLine(line)).toEqual({ name, value });
  });

  it.each([
    ['a job line', '0 * * * * x=1'],
    ['a nickname line', '@daily FOO=1 cmd'],
    ['an unclosed quote', 'A="open'],
    ['text after the closing quote', 'A="x" y'],
    ['no equals sign', 'hello world'],
  ])('says %s is not a setting', (_label, line) => {
    expect(readEnvLine(line)).toBeNull();
  });
});

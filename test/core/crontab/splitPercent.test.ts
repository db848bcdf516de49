import { describe, expect, it } from 'vitest';
import { splitPercent } from '../../../src/core/crontab/splitPercent.js';

describe('splitPercent, as Vixie cron treats % in a command', () => {
  it.each([
    ['no %', 'echo hi', 'echo hi', null],
    ['a first % starting the input, ended by a newline as cron writes it', 'mail -s x root%hello', 'mail -s x root', 'hello\n'],
    ['wc -l counting the one line cron writes', 'wc -l%one', 'wc -l', 'one\n'],
    ['further % as newlines', 'cat%one%two%', 'cat', 'one\ntwo\n'],
    ['a trailing % giving an empty input', 'cat%', 'cat', ''],
    ['\\% as a literal % in the command', 'date +\\%Y-\\%m-\\%d', 'date +%Y-%m-%d', null],
    ['\\% as a literal % in the input', 'cat%100\\% done', 'cat', '100% done\n'],
    ['other backslashes kept in the command', 'printf "a\\tb\\n"', 'printf "a\\tb\\n"', null],
    ['other backslashes kept in the input', 'cat%a\\tb', 'cat', 'a\\tb\n'],
    ['\\\\% ending the command (the % is not escaped)', 'echo \\\\%in', 'echo \\\\', 'in\n'],
    ['\\\\% in the input giving \\%', 'cat%a\\\\%b', 'cat', 'a\\%b\n'],
    ['a trailing backslash in the input kept', 'cat%a\\', 'cat', 'a\\\n'],
    ['mdadm: $(date +\\%d)', '[ $(date +\\%d) -le 7 ] && checkarray', '[ $(date +%d) -le 7 ] && checkarray', null],
  ])('handles %s', (_label, raw, command, stdin) => {
    expect(splitPercent(raw)).toEqual({ command, stdin });
  });
});

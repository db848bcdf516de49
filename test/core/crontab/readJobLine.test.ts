import { describe, expect, it } from 'vitest';
import { readJobLine } from '../../../src/core/crontab/readJobLine.js';

describe('readJobLine', () => {
  it.each([
    ['spaces', '30 2 * * * /bin/true', 'user', ['30', '2', '*', '*', '*'], null, '/bin/true'],
    ['tabs as separators', '30\t2\t*\t*\t*\t/bin/true', 'user', ['30', '2', '*', '*', '*'], null, '/bin/true'],
    ['inner spacing of the command kept', '0 0 * * * echo  a\tb  ', 'user', ['0', '0', '*', '*', '*'], null, 'echo  a\tb  '],
    ['a nickname', '@daily  run-it now', 'user', ['@daily'], null, 'run-it now'],
    ['a user column', '17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly', 'system', ['17', '*', '*', '*', '*'], 'root', 'cd / && run-parts --report /etc/cron.hourly'],
    ['a nickname with a user column', '@hourly www-data php cron.php', 'system', ['@hourly'], 'www-data', 'php cron.php'],
    ['a command starting with a digit', '0 0 * * * 7z a /backup.7z /srv', 'user', ['0', '0', '*', '*', '*'], null, '7z a /backup.7z /srv'],
    ['a lone - as the command', '* * * * * -', 'user', ['*', '*', '*', '*', '*'], null, '-'],
    ['a command starting with -', '* * * * * - x', 'user', ['*', '*', '*', '*', '*'], null, '- x'],
    ['a lone - as the command after a user', '* * * * * root -', 'system', ['*', '*', '*', '*', '*'], 'root', '-'],
  ] as const)('reads %s', (_label, line, format, fields, user, command) => {
    expect(readJobLine(line, format)).toEqual({ job: { fields, user, command } });
  });

  it.each([
    ['too few fields', '0 0 * *', 'user', /needs 5 time fields .* ends after 4 fields/],
    ['no command', '0 0 * * *', 'user', /there is no command/],
    ['no user in a system crontab', '0 0 * * *', 'system', /there is no user/],
    ['no command after the user', '0 0 * * * root', 'system', /there is no command/],
    ['a 6-field line (seconds)', '*/30 * * * * * /bin/x', 'user', /^6 time fields; cron has 5 .* run "\*" as the command/],
    ['a 7-field line (Quartz)', '0 30 2 * * ? 2025 /bin/x', 'user', /^7 time fields/],
    ['a 7-field line in a system crontab', '0 30 2 * * ? 2025 root /bin/x', 'system', /^7 time fields.*"\?" as the user/],
  ] as const)('refuses %s', (_label, line, format, reason) => {
    const read = readJobLine(line, format);
    expect('problem' in read && read.problem).toMatch(reason);
  });
});

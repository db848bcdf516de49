import { describe, expect, it } from 'vitest';
import { userColumnInText } from '../../../src/core/crontab/userColumnInText.js';
import * as debian from '../../fixtures/debianCrontabs.js';

/** A system where these are users, and these are commands. */
const system = (users: string[], commands: string[] = []) => ({ users: new Set(users), isCommand: (word: string) => commands.includes(word) });
const debianUsers = ['root', 'daemon', 'mail', 'sync', 'www-data', 'backup', 'alice'];
const debianCommands = ['mail', 'sync', 'test', 'cd', 'echo'];

describe('userColumnInText', () => {
  it.each([
    ["Debian's /etc/crontab", debian.ETC_CRONTAB],
    ['/etc/cron.d/e2scrub_all', debian.E2SCRUB_ALL],
    ['/etc/cron.d/sysstat (a PATH line, comments)', debian.SYSSTAT],
    ['a nickname with a user', '@hourly www-data php cron.php\n'],
    ['users that are commands too, when one is not', '0 * * * * mail -s x bob\n0 1 * * * root /bin/backup\n'],
    ['an @reboot line among them (it tells nothing)', '@reboot alice /bin/start\n0 1 * * * root /bin/backup\n'],
    ['settings and comments between the lines', 'MAILTO=root\n# a comment\n  \nCRON_TZ = "UTC"\n0 1 * * * root /bin/x\n'],
  ])('reads %s as having a user column', (_label, text) => {
    expect(userColumnInText(text, system(debianUsers, debianCommands))).toBe(true);
  });

  it.each([
    ['a user crontab', '0 1 * * * /bin/backup --full\n*/5 * * * * cd /srv && make\n'],
    ['lines whose sixth word is a user that is also a command (mail)', '0 * * * * mail -s x bob < /tmp/report\n30 * * * * mail -s y carol < /tmp/other\n'],
    ['a lone `sync` (6 words: no command after a user)', '0 * * * * sync\n'],
    ['a user that this system does not have', '0 1 * * * deploy /srv/deploy.sh\n'],
    ['one line without a user among system lines', '0 1 * * * root /bin/x\n0 2 * * * /bin/y now\n'],
    ['a nickname line too short for a user and a command', '@daily root\n'],
    ['only @reboot lines', '@reboot root /bin/start\n'],
    ['no job line', '# nothing\nMAILTO=root\n'],
    ['a file that is not text', 'a\u0000b'],
  ])('reads %s as having none', (_label, text) => {
    expect(userColumnInText(text, system(debianUsers, debianCommands))).toBe(false);
  });

  it('guesses nothing when the users cannot be read', () => {
    expect(userColumnInText(debian.ETC_CRONTAB, system([]))).toBe(false);
  });
});

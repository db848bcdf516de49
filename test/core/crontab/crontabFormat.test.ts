import { describe, expect, it } from 'vitest';
import { crontabFormat } from '../../../src/core/crontab/crontabFormat.js';

const systemLines = '30 3 * * 0 root test -e /run/systemd/system || /sbin/e2scrub_all\n';
const userLines = '0 1 * * * /bin/backup\n';
const names = { users: new Set(['root']), isCommand: () => false };

describe('crontabFormat', () => {
  it.each([
    ['/etc/crontab', {}, 'system', 'path'],
    ['/etc/cron.d/sysstat', {}, 'system', 'path'],
    ['/var/spool/cron/crontabs/alice', {}, 'user', 'path'],
    ['/home/alice/my.cron', {}, 'user', 'default'],
    ['/etc/cron.d/sub/dir', {}, 'user', 'default'],
    ['/home/alice/backup/cron.d/sysstat', {}, 'system', 'folder'],
    ['/etc/crontab', { user: true }, 'user', 'flag'],
    ['/home/alice/copy-of-etc-crontab', { system: true }, 'system', 'flag'],
  ])('reads %s with %j as a %s crontab (by %s)', (file, flags, format, by) => {
    expect(crontabFormat(file, flags)).toEqual({ format, by });
  });

  it.each([
    ['a copy of a system crontab elsewhere', '/tmp/x', {}, systemLines, 'system', 'content'],
    ['a copy named crontab (as `crontab -l > crontab` names a user one too)', '/home/alice/crontab', {}, userLines, 'user', 'default'],
    ['standard input', '-', {}, systemLines, 'system', 'content'],
    ['system lines with --user', '/tmp/x', { user: true }, systemLines, 'user', 'flag'],
    ["system-looking lines in a user's spool file", '/var/spool/cron/crontabs/root', {}, systemLines, 'user', 'path'],
    ['user lines in a cron.d folder', '/srv/cron.d/x', {}, userLines, 'system', 'folder'],
  ])('reads %s by its content unless the path or a flag decides', (_label, file, flags, text, format, by) => {
    expect(crontabFormat(file, flags, { text, system: names })).toEqual({ format, by });
  });
});

import { describe, expect, it } from 'vitest';
import { crontabFormat } from '../../../src/core/crontab/crontabFormat.js';

describe('crontabFormat', () => {
  it.each([
    ['/etc/crontab', {}, 'system'],
    ['/etc/cron.d/sysstat', {}, 'system'],
    ['/var/spool/cron/crontabs/alice', {}, 'user'],
    ['/home/alice/my.cron', {}, 'user'],
    ['/etc/cron.d/sub/dir', {}, 'user'],
    ['/etc/crontab', { user: true }, 'user'],
    ['/home/alice/copy-of-etc-crontab', { system: true }, 'system'],
  ])('reads %s with %j as a %s crontab', (file, flags, format) => {
    expect(crontabFormat(file, flags)).toBe(format);
  });
});

import { describe, expect, it } from 'vitest';
import { nameFromCommand } from '../../../src/core/crontab/nameFromCommand.js';
import { unsafeNameReason } from '../../../src/core/config/semanticProblems.js';

describe('nameFromCommand', () => {
  it.each([
    // Debian's /etc/crontab (package cron)
    ['cd / && run-parts --report /etc/cron.hourly', 'run-parts_cron.hourly'],
    ['test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )', 'run-parts_cron.daily'],
    // e2fsprogs, sysstat, php, certbot, popularity-contest, anacron, mdadm
    ['test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron', 'e2scrub_all_cron'],
    ['test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r', 'e2scrub_all'],
    ['command -v debian-sa1 > /dev/null && debian-sa1 1 1', 'debian-sa1_1_1'],
    ['[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi', 'sessionclean'],
    ["test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep int(rand(43200))' && certbot -q renew", 'certbot_renew'],
    ['test -x /etc/cron.daily/popularity-contest && /etc/cron.daily/popularity-contest --crond', 'popularity-contest'],
    ['[ -x /etc/init.d/anacron ] && if [ ! -d /run/systemd/system ]; then /usr/sbin/invoke-rc.d anacron start >/dev/null; fi', 'invoke-rc.d_anacron_start'],
    ['if [ -x /usr/share/mdadm/checkarray ] && [ $(date +%d) -le 7 ]; then /usr/share/mdadm/checkarray --cron --all --idle --quiet; fi', 'checkarray'],
    // what users write
    ['/home/me/bin/backup.sh > /tmp/backup.log 2>&1', 'backup.sh'],
    ['pg_dump mydb | gzip > /backups/db.gz', 'pg_dump_mydb'],
    ['cd /srv/app && ./deploy.sh && echo done', 'deploy.sh'],
    ['nice -n 10 ionice -c3 /usr/local/bin/reindex --all', 'reindex'],
    ['timeout 300 env LANG=C /opt/job/run.py nightly', 'run.py_nightly'],
    ['$HOME/bin/sync-photos', 'sync-photos'],
    ['python3 /opt/app/manage.py clearsessions', 'python3_manage.py_clearsessions'],
    ['echo hello', 'echo_hello'],
    ['../../etc/evil --x', 'evil'],
    ['...', ''],
    ['# only a comment', ''],
  ])('names %j %j', (command, name) => {
    expect(nameFromCommand(command)).toBe(name);
  });

  it('makes a safe name of anything (or nothing)', () => {
    for (const command of ['\u00e9t\u00e9 --x', '.hidden', '-rf /', 'a'.repeat(300), '"unclosed', '$(', 'x ../..']) {
      const name = nameFromCommand(command);
      if (name !== '') expect(unsafeNameReason(name)).toBeNull();
    }
  });
});


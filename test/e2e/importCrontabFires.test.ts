// Do imported tasks fire when cron would? Real crontabs that Debian packages ship are imported
// into a home, `validate` must accept the result, and `next --from` must list the instants
// computed here by hand from cron's rules: Vixie's either-day rule (`6 1 1-7 * 7` runs on days
// 1-7 and on every Sunday), its both-days rule when a day field starts with `*`, and daylight
// saving as Debian's cron handles it (a fixed-time job in the skipped hour runs right after the
// jump and once in the repeated hour; jobs with a `*` hour keep real time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import * as debian from '../fixtures/debianCrontabs.js';

/** A user's crontab with the cases no package ships. */
const USER_CRONTAB = `# a nightly backup, in the hour that daylight saving skips
30 2 * * * /home/me/bin/backup.sh
# odd days that are also Mondays: */2 makes cron need both day fields
0 0 */2 * 1 /home/me/bin/odd-monday
CRON_TZ=America/New_York
0 9 * * 1-5 /home/me/bin/standup
`;

interface Row {
  /** The fixture and the zone the cron daemon ran in (TZ). */
  crontab: string;
  tz: string;
  task: string;
  from: string;
  fires: string[];
}

const rows: [string, Row][] = [
  // cron: /etc/crontab. 2025-06-01 is a Sunday.
  ['cron hourly', { crontab: 'ETC_CRONTAB', tz: 'UTC', task: 'run-parts_cron.hourly', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T06:17:00+00:00', '2025-06-01T07:17:00+00:00', '2025-06-01T08:17:00+00:00'] }],
  ['cron daily', { crontab: 'ETC_CRONTAB', tz: 'UTC', task: 'run-parts_cron.daily', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T06:25:00+00:00', '2025-06-02T06:25:00+00:00', '2025-06-03T06:25:00+00:00'] }],
  ['cron weekly (day 7 is Sunday)', { crontab: 'ETC_CRONTAB', tz: 'UTC', task: 'run-parts_cron.weekly', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T06:47:00+00:00', '2025-06-08T06:47:00+00:00', '2025-06-15T06:47:00+00:00'] }],
  ['cron monthly', { crontab: 'ETC_CRONTAB', tz: 'UTC', task: 'run-parts_cron.monthly', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T06:52:00+00:00', '2025-07-01T06:52:00+00:00', '2025-08-01T06:52:00+00:00'] }],
  // e2fsprogs
  ['e2scrub_all_cron (Sundays)', { crontab: 'E2SCRUB_ALL', tz: 'UTC', task: 'e2scrub_all_cron', from: '2025-06-01T05:30:00Z', fires: ['2025-06-08T03:30:00+00:00', '2025-06-15T03:30:00+00:00'] }],
  ['e2scrub_all', { crontab: 'E2SCRUB_ALL', tz: 'UTC', task: 'e2scrub_all', from: '2025-06-01T05:30:00Z', fires: ['2025-06-02T03:10:00+00:00', '2025-06-03T03:10:00+00:00'] }],
  // sysstat
  ['sysstat every 10 minutes from :05', { crontab: 'SYSSTAT', tz: 'UTC', task: 'debian-sa1_1_1', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T05:35:00+00:00', '2025-06-01T05:45:00+00:00', '2025-06-01T05:55:00+00:00', '2025-06-01T06:05:00+00:00'] }],
  ['sysstat at 23:59', { crontab: 'SYSSTAT', tz: 'UTC', task: 'debian-sa1_60_2', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T23:59:00+00:00', '2025-06-02T23:59:00+00:00'] }],
  // php-common
  ['php sessionclean at :09 and :39', { crontab: 'PHP', tz: 'UTC', task: 'sessionclean', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T05:39:00+00:00', '2025-06-01T06:09:00+00:00', '2025-06-01T06:39:00+00:00'] }],
  // certbot
  ['certbot every 12 hours', { crontab: 'CERTBOT', tz: 'UTC', task: 'certbot_renew', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T12:00:00+00:00', '2025-06-02T00:00:00+00:00', '2025-06-02T12:00:00+00:00'] }],
  // popularity-contest
  ['popularity-contest', { crontab: 'POPULARITY_CONTEST', tz: 'UTC', task: 'popularity-contest', from: '2025-06-01T05:30:00Z', fires: ['2025-06-01T11:42:00+00:00', '2025-06-02T11:42:00+00:00'] }],
  // anacron
  ['anacron 07:30 to 23:30', { crontab: 'ANACRON', tz: 'UTC', task: 'invoke-rc.d_anacron_start', from: '2025-06-01T22:00:00Z', fires: ['2025-06-01T22:30:00+00:00', '2025-06-01T23:30:00+00:00', '2025-06-02T07:30:00+00:00'] }],
  // mdadm 2.5: days 1-7 OR Sundays (Vixie's either-day rule), from Sunday 1 June.
  [
    'mdadm 2.5, either day',
    {
      crontab: 'MDADM_2006',
      tz: 'UTC',
      task: 'checkarray',
      from: '2025-06-01T05:30:00Z',
      fires: ['02', '03', '04', '05', '06', '07', '08', '15', '22', '29'].map((d) => `2025-06-${d}T01:06:00+00:00`).concat('2025-07-01T01:06:00+00:00'),
    },
  ],
  ['mdadm, Sundays (the day test is in the command)', { crontab: 'MDADM', tz: 'UTC', task: 'checkarray', from: '2025-06-01T05:30:00Z', fires: ['2025-06-08T00:57:00+00:00', '2025-06-15T00:57:00+00:00'] }],
  // Both day fields: June 2025 Mondays are 2, 9, 16, 23, 30; July's 7, 14, 21, 28; odd ones only.
  ['*/2 day-of-month with Monday: both', { crontab: 'USER_CRONTAB', tz: 'UTC', task: 'odd-monday', from: '2025-06-01T00:00:00Z', fires: ['2025-06-09T00:00:00+00:00', '2025-06-23T00:00:00+00:00', '2025-07-07T00:00:00+00:00', '2025-07-21T00:00:00+00:00'] }],
  // Daylight saving, cron running in Berlin: 2025-03-30 02:00 CET -> 03:00 CEST; 2025-10-26 03:00 CEST -> 02:00 CET.
  ['02:30 on the spring-forward day: right after the jump', { crontab: 'USER_CRONTAB', tz: 'Europe/Berlin', task: 'backup.sh', from: '2025-03-29T12:00:00+01:00', fires: ['2025-03-30T03:00:00+02:00', '2025-03-31T02:30:00+02:00'] }],
  ['02:30 on the fall-back day: once', { crontab: 'USER_CRONTAB', tz: 'Europe/Berlin', task: 'backup.sh', from: '2025-10-25T12:00:00+02:00', fires: ['2025-10-26T02:30:00+02:00', '2025-10-27T02:30:00+01:00'] }],
  ['hourly :17 across the spring-forward gap', { crontab: 'ETC_CRONTAB', tz: 'Europe/Berlin', task: 'run-parts_cron.hourly', from: '2025-03-30T01:30:00+01:00', fires: ['2025-03-30T03:17:00+02:00', '2025-03-30T04:17:00+02:00'] }],
  ['hourly :17 in the repeated hour: twice', { crontab: 'ETC_CRONTAB', tz: 'Europe/Berlin', task: 'run-parts_cron.hourly', from: '2025-10-26T01:30:00+02:00', fires: ['2025-10-26T02:17:00+02:00', '2025-10-26T02:17:00+01:00', '2025-10-26T03:17:00+01:00'] }],
  ['sysstat across the repeated hour', { crontab: 'SYSSTAT', tz: 'Europe/Berlin', task: 'debian-sa1_1_1', from: '2025-10-26T02:40:00+02:00', fires: ['2025-10-26T02:45:00+02:00', '2025-10-26T02:55:00+02:00', '2025-10-26T02:05:00+01:00', '2025-10-26T02:15:00+01:00'] }],
  // CRON_TZ, across the US change (2025-03-09): 09:00 New York stays 09:00.
  ['CRON_TZ weekdays at 09:00 New York', { crontab: 'USER_CRONTAB', tz: 'UTC', task: 'standup', from: '2025-03-07T00:00:00Z', fires: ['2025-03-07T09:00:00-05:00', '2025-03-10T09:00:00-04:00', '2025-03-11T09:00:00-04:00'] }],
];

const texts: Record<string, { text: string; system: boolean }> = {
  ETC_CRONTAB: { text: debian.ETC_CRONTAB, system: true },
  E2SCRUB_ALL: { text: debian.E2SCRUB_ALL, system: true },
  SYSSTAT: { text: debian.SYSSTAT, system: true },
  PHP: { text: debian.PHP, system: true },
  CERTBOT: { text: debian.CERTBOT, system: true },
  POPULARITY_CONTEST: { text: debian.POPULARITY_CONTEST, system: true },
  ANACRON: { text: debian.ANACRON, system: true },
  MDADM_2006: { text: debian.MDADM_2006, system: true },
  MDADM: { text: debian.MDADM, system: true },
  USER_CRONTAB: { text: USER_CRONTAB, system: false },
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-crontab-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** One home per crontab and zone, imported once. */
const homes = new Map<string, string>();
function homeFor(crontab: string, tz: string): string {
  const key = `${crontab} ${tz}`;
  const known = homes.get(key);
  if (known) return known;
  const { text, system } = texts[crontab] as { text: string; system: boolean };
  const file = path.join(scratch, `${crontab.toLowerCase()}-${tz.replace('/', '_')}`);
  fs.writeFileSync(file, text);
  const home = makeHome();
  const imported = runCli(['import-crontab', file, ...(system ? ['--system'] : ['--user']), '--output', path.join(home, 'config', 'conductor_config.json')], {
    home,
    env: { TZ: tz },
  });
  expect(imported.code, imported.stderr).toBe(0);
  homes.set(key, home);
  return home;
}

describe('imported Debian crontabs', () => {
  it.each(Object.keys(texts))('%s imports whole and validates', (crontab) => {
    const home = homeFor(crontab, 'UTC');
    const validate = runCli(['validate'], { home, env: { TZ: 'UTC' } });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/: valid, \d+ tasks?/);
  });

  it("turn mdadm's \\% into the % its shell sees", () => {
    const config = JSON.parse(fs.readFileSync(path.join(homeFor('MDADM', 'UTC'), 'config', 'conductor_config.json'), 'utf8'));
    expect(config.tasks[0].command).toBe(
      'if [ -x /usr/share/mdadm/checkarray ] && [ $(date +%d) -le 7 ]; then /usr/share/mdadm/checkarray --cron --all --idle --quiet; fi',
    );
  });

  it.each(rows)('fire when cron would: %s', (_label, row) => {
    const home = homeFor(row.crontab, row.tz);
    const next = runCli(['next', '--task', row.task, '-n', String(row.fires.length), '--from', row.from], { home, env: { TZ: row.tz } });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout.trim().split('\n')).toEqual(row.fires);
  });
});

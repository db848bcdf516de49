import { describe, expect, it } from 'vitest';
import { convertCrontab, type ConvertOptions } from '../../../src/core/crontab/convertCrontab.js';
import { parseCrontab } from '../../../src/core/crontab/parseCrontab.js';
import type { CrontabFormat } from '../../../src/core/crontab/types.js';

const options = (over: Partial<ConvertOptions> = {}): ConvertOptions => ({
  format: 'user',
  source: '/tmp/crontab',
  existing: [],
  importingUser: 'alice',
  defaultTimezone: null,
  ...over,
});

function convert(lines: string[], over: Partial<ConvertOptions> = {}) {
  const format: CrontabFormat = over.format ?? 'user';
  return convertCrontab(parseCrontab(lines.map((text, i) => ({ number: i + 1, text })), format), options(over));
}

describe('convertCrontab', () => {
  describe('environment lines, as cron applies them', () => {
    const result = convert(['0 1 * * * first', 'MAILTO=ops', '0 2 * * * second', 'MAILTO=dev', 'PATH=/bin', '0 3 * * * third']);

    it('apply only to the job lines after them', () => {
      expect(result.tasks.map((t) => t.env)).toEqual([undefined, { MAILTO: 'ops' }, { MAILTO: 'dev', PATH: '/bin' }]);
    });

    it('put CRON_TZ into the timezone of the tasks below, and an empty one takes it back', () => {
      const zoned = convert(['CRON_TZ=Europe/Berlin', '0 1 * * * a', 'CRON_TZ=', '0 2 * * * b']);
      expect(zoned.tasks.map((t) => t.timezone)).toEqual(['Europe/Berlin', undefined]);
    });

    it('use TZ when there is no CRON_TZ, and CRON_TZ over TZ', () => {
      const zoned = convert(['TZ=:America/New_York', '0 1 * * * a', 'CRON_TZ=Asia/Tokyo', '0 2 * * * b']);
      expect(zoned.tasks.map((t) => t.timezone)).toEqual(['America/New_York', 'Asia/Tokyo']);
    });

    it('refuse the jobs below an unknown zone, naming the line that set it', () => {
      const zoned = convert(['CRON_TZ=Mars/Olympus', '0 1 * * * a']);
      expect(zoned.tasks).toEqual([]);
      expect(zoned.refused).toEqual([{ line: 2, message: expect.stringMatching(/^CRON_TZ on line 1: unknown timezone "Mars\/Olympus"/) }]);
    });

    it("run the commands with cron's SHELL when it is not /bin/sh", () => {
      const shelled = convert(['SHELL=/bin/bash', '0 1 * * * echo $BASH_VERSION']);
      expect(shelled.tasks[0]?.command).toBe("exec /bin/bash -c 'echo $BASH_VERSION'");
    });
  });

  describe('names', () => {
    it('are made unique among the imported tasks and the tasks of the target config', () => {
      const result = convert(['0 1 * * * /bin/backup.sh a', '0 2 * * * /bin/backup.sh b', '0 3 * * * /bin/backup.sh c'], {
        existing: [{ name: 'backup.sh_a', command: 'other', schedule: '0 0 * * *' }],
      });
      expect(result.tasks.map((t) => t.name)).toEqual(['backup.sh_a_2', 'backup.sh_b', 'backup.sh_c']);
    });

    it('fall back to the line number when the command gives none', () => {
      expect(convert(['0 1 * * * ...']).tasks[0]?.name).toBe('cron_line_1');
    });
  });

  it('does not add a job the target config already has, and says so', () => {
    const result = convert(['0 1 * * * /bin/a', '0 2 * * * /bin/b'], {
      existing: [{ name: 'mine', command: '/bin/a', schedule: '0 1 * * *' }],
    });
    expect(result.tasks.map((t) => t.command)).toEqual(['/bin/b']);
    expect(result.alreadyPresent).toBe(1);
    expect(result.notes).toContainEqual({ line: 1, message: 'already in the config as task "mine"; not added again' });
  });

  describe('a system crontab', () => {
    const result = convert(['0 1 * * * root /bin/a', '0 2 * * * alice /bin/b', '0 3 * * * root /bin/c'], { format: 'system' });

    it("keeps cron's user in the description", () => {
      expect(result.tasks.map((t) => t.description)).toEqual([
        'Imported from /tmp/crontab line 1 (cron ran it as root)',
        'Imported from /tmp/crontab line 2 (cron ran it as alice)',
        'Imported from /tmp/crontab line 3 (cron ran it as root)',
      ]);
    });

    it('notes once per user the lines cron ran as someone other than the importing user', () => {
      const users = result.notes.filter((n) => n.message.startsWith('cron ran'));
      expect(users).toEqual([
        { line: null, message: 'cron ran lines 1, 3 as "root"; the conductor runs every task as the user of its daemon (this import ran as "alice")' },
      ]);
    });
  });

  it('notes a user crontab line that looks like a system one', () => {
    expect(convert(['0 1 * * * root /bin/a']).notes).toContainEqual({ line: 1, message: expect.stringMatching(/use --system/) });
  });

  it('gives the default zone to tasks with no zone of their own', () => {
    const result = convert(['0 1 * * * a', 'CRON_TZ=Asia/Tokyo', '0 2 * * * b'], { defaultTimezone: 'UTC' });
    expect(result.tasks.map((t) => t.timezone)).toEqual(['UTC', 'Asia/Tokyo']);
  });

  it('writes task keys in the order a reader expects', () => {
    const [task] = convert(['A=1', 'CRON_TZ=UTC', '0 1 * * * /bin/a']).tasks;
    expect(Object.keys(task ?? {})).toEqual(['name', 'description', 'command', 'schedule', 'timezone', 'env']);
  });

  it('notes what cron did that the tasks will not (mail, no timeout)', () => {
    const messages = convert(['MAILTO=ops', '0 1 * * * /bin/a']).notes.map((n) => n.message);
    expect(messages).toEqual([expect.stringMatching(/^cron never stops a job/), expect.stringMatching(/^MAILTO is kept in env/)]);
  });
});

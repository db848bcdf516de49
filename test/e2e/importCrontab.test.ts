// import-crontab as a user runs it: real crontab files (Debian's, and every odd case), the built
// CLI, the result checked by `validate` and its fires by `next` against instants computed by
// hand from cron's rules (Vixie's either-day rule, daylight saving as Debian's cron handles it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asNobodyUnavailable, makeHome, makeNobodyHome, runCli, runCliAsNobody, writeConfig } from '../helpers/cli.js';
import * as debian from '../fixtures/debianCrontabs.js';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-crontab-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function crontabFile(text: string | Buffer, name = 'crontab'): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'c-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function importInto(home: string, text: string, args: string[] = [], tz = 'UTC') {
  const file = crontabFile(text);
  return runCli(['import-crontab', file, '--output', path.join(home, 'config', 'conductor_config.json'), ...args], { home, env: { TZ: tz } });
}

function tasksOf(stdout: string): { name: string; command: string; schedule: string; timezone?: string; env?: Record<string, string> }[] {
  return (JSON.parse(stdout) as { tasks: [] }).tasks;
}

describe('import-crontab, with bad or odd input', () => {
  it.each([
    ['CRLF line ends', '0 1 * * * /bin/a\r\n0 2 * * * /bin/b\r\n', /2 lines ended in CRLF; read as LF/],
    ['a byte-order mark', '\uFEFF0 1 * * * /bin/a\n0 2 * * * /bin/b\n', /a byte-order mark at the start was ignored/],
    ['tabs as separators', '0\t1\t*\t*\t*\t/bin/a\n0 2\t* * *  /bin/b\n', /imported 2 tasks/],
  ])('imports a crontab with %s, exit 0', (_label, text, note) => {
    const result = runCli(['import-crontab', crontabFile(text)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(note);
    expect(tasksOf(result.stdout).map((t) => [t.schedule, t.command])).toEqual([
      ['0 1 * * *', '/bin/a'],
      ['0 2 * * *', '/bin/b'],
    ]);
  });

  it.each([
    ['a 7-field line', '0 30 2 * * ? 2025 /bin/quartz', /on line 2: not imported: 7 time fields; cron has 5/],
    ['a 6-field line', '*/30 * * * * * /bin/seconds', /on line 2: not imported: 6 time fields/],
    ['@reboot', '@reboot /bin/start', /on line 2: not imported: @reboot runs once at boot/],
    ['an unknown nickname', '@fortnightly /bin/x', /on line 2: not imported: unknown nickname "@fortnightly"/],
    ['an upper-case nickname', '@DAILY /bin/x', /on line 2: not imported: "@DAILY" is not a cron nickname/],
    ['a field out of range', '0 24 * * * /bin/x', /on line 2: not imported: .*hour 24 out of range 0-23/],
    ["croner's L", '0 0 L * * /bin/x', /on line 2: not imported: day-of-month "L" is not cron syntax/],
    ['an unknown CRON_TZ', 'CRON_TZ=Mars/Olympus\n0 1 * * * /bin/x', /on line 3: not imported: CRON_TZ on line 2: unknown timezone/],
    ['a line with no command', '0 1 * * *', /on line 2: not imported: .*there is no command/],
  ])('lists %s with its line number and imports the rest, exit 8', (_label, bad, message) => {
    const result = runCli(['import-crontab', crontabFile(`0 0 * * * /bin/good\n${bad}\n`)]);
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/imported 1 task \(user crontab; 1 line not imported\)/);
    expect(tasksOf(result.stdout).map((t) => t.command)).toEqual(['/bin/good']);
  });

  it.each([
    ['an empty file', '', /nothing imported: it has no job lines/],
    ['only comments and settings', '# nothing\nMAILTO=root\n', /nothing imported: it has no job lines/],
    ['only lines cron could not run', '@reboot /bin/a\n', /on line 1: not imported: @reboot.*\n.*nothing imported: no job line could be imported/],
    ['a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), /is not a text file/],
  ])('refuses %s with exit 1 and prints no config', (_label, text, message) => {
    const result = runCli(['import-crontab', crontabFile(text)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    noStack(result.stderr);
  });

  it('refuses a missing file with exit 1', () => {
    const result = runCli(['import-crontab', '/nonexistent/crontab']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/nonexistent\/crontab: no such file/);
    noStack(result.stderr);
  });

  it('refuses a directory with exit 1', () => {
    const result = runCli(['import-crontab', os.tmpdir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is a directory, not a crontab/);
    noStack(result.stderr);
  });

  it('refuses --user with --system as a usage error', () => {
    const result = runCli(['import-crontab', crontabFile('0 0 * * * x\n'), '--user', '--system']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mutually exclusive/);
  });

  it('reads standard input for -', () => {
    const result = runCli(['import-crontab', '-'], { input: '0 4 * * * /bin/from-stdin\n' });
    expect(result.code).toBe(0);
    expect(tasksOf(result.stdout)[0]).toMatchObject({ name: 'from-stdin', description: 'Imported from standard input line 1' });
  });

  it('reads a copy of a system crontab at another path as one, and says so, naming --user', () => {
    const file = crontabFile(debian.E2SCRUB_ALL, 'e2scrub_all');
    const result = runCli(['import-crontab', file]);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      `${file}: read as a system crontab (a user column), as every job line has a user of this system after its time fields; --user reads it as a user crontab`,
    );
    expect(result.stderr).toMatch(/imported 2 tasks \(system crontab\)/);
    expect(tasksOf(result.stdout).map((t) => t.command)).toEqual([
      'test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron',
      'test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r',
    ]);
    const asUser = runCli(['import-crontab', file, '--user']);
    expect(asUser.stderr).not.toMatch(/read as a system crontab/);
    expect(tasksOf(asUser.stdout)[0]?.command).toMatch(/^root test -e/);
  });

  it('reads a file in a folder named cron.d as a system crontab, whoever its users are', () => {
    const dir = path.join(fs.mkdtempSync(path.join(scratch, 'c-')), 'cron.d');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'deploy'), '0 4 * * * no-such-user-here /srv/deploy.sh --quiet\n');
    const result = runCli(['import-crontab', path.join(dir, 'deploy')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/read as a system crontab \(a user column\), as its folder is named cron\.d; --user reads it as a user crontab/);
    expect(tasksOf(result.stdout)[0]).toMatchObject({ command: '/srv/deploy.sh --quiet', description: expect.stringMatching(/cron ran it as no-such-user-here/) });
  });

  it('keeps a user crontab whose commands start with a word that is also a user (sync, on Debian) a user crontab', () => {
    const result = runCli(['import-crontab', crontabFile('0 7 * * * sync -f /srv\n')]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/read as a system crontab/);
    expect(tasksOf(result.stdout)[0]?.command).toBe('sync -f /srv');
  });

  it('gives clashing names a suffix', () => {
    const result = runCli(['import-crontab', crontabFile('0 1 * * * /bin/backup.sh\n0 2 * * * /usr/local/bin/backup.sh\n')]);
    expect(tasksOf(result.stdout).map((t) => t.name)).toEqual(['backup.sh', 'backup.sh_2']);
  });
});

describe('import-crontab --output', () => {
  it('creates the config when there is none, and it validates', () => {
    const home = makeHome();
    const result = importInto(home, debian.ETC_CRONTAB, ['--system']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/added 4 tasks to .*conductor_config\.json \(system crontab\)/);
    const validate = runCli(['validate'], { home });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/valid, 4 tasks \(4 scheduled, 0 disabled\)/);
  });

  it('adds to an existing config, keeping its tasks and settings, with names that do not clash', () => {
    const existing = {
      tasks: [{ name: 'backup.sh', command: '/bin/old-backup', schedule: '0 3 * * *' }],
      settings: { max_concurrent_tasks: 7 },
    };
    const home = makeHome(existing);
    const result = importInto(home, '0 1 * * * /srv/backup.sh\n');
    expect(result.code).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8'));
    expect(config.settings).toEqual({ max_concurrent_tasks: 7, http: { port: 0 } }); // makeHome gives every test home a free port
    expect(config.tasks.map((t: { name: string }) => t.name)).toEqual(['backup.sh', 'backup.sh_2']);
    expect(runCli(['validate'], { home }).code).toBe(0);
  });

  it('does not add the same lines twice when run again', () => {
    const home = makeHome();
    importInto(home, debian.SYSSTAT, ['--system']);
    const before = fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8');
    const again = importInto(home, debian.SYSSTAT, ['--system']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/on line 6: note: already in the config as task "debian-sa1_1_1"/);
    expect(again.stderr).toMatch(/nothing added to .* 2 already there/);
    expect(fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8')).toBe(before);
  });

  it('leaves an invalid config untouched, exit 1', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: '61 * * * *' }] });
    const file = path.join(home, 'config', 'conductor_config.json');
    const before = fs.readFileSync(file, 'utf8');
    const result = importInto(home, '0 1 * * * /bin/x\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid config, 1 problem; nothing was added to it/);
    expect(result.stderr).toMatch(/\/tasks\/0\/schedule/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('gives the tasks the machine zone when the config names another one', () => {
    const home = makeHome({ tasks: [], settings: { timezone: 'Asia/Tokyo' } });
    importInto(home, '0 1 * * * /bin/x\n', [], 'Europe/Berlin');
    const config = JSON.parse(fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8'));
    expect(config.tasks[0].timezone).toBe('Europe/Berlin');
  });
});

const asNobody = asNobodyUnavailable();
if (asNobody) console.warn(`import-crontab's permission tests skipped: ${asNobody}`);

describe.skipIf(asNobody !== null)('import-crontab --output where the user cannot write (as nobody)', () => {
  it.each([
    ['a folder it cannot write in', 'locked/c.json', 'locked'],
    ['a folder to make in one it cannot write in', 'locked/sub/c.json', 'locked'],
  ])('says which path and why for %s, exit 1, no stack trace', (_label, output, folder) => {
    const home = makeNobodyHome();
    fs.writeFileSync(path.join(home, 'crontab'), '0 1 * * * /bin/x\n');
    fs.mkdirSync(path.join(home, 'locked'), { mode: 0o755 }); // root's
    const result = runCliAsNobody(['import-crontab', 'crontab', '--output', output], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`symphony-conductor: cannot write ${output}: permission denied (nobody cannot write in ${folder}); nothing was written\n`);
    expect(fs.readdirSync(path.join(home, 'locked'))).toEqual([]);
  });
});

describe('import-crontab --output where no folder can be made', () => {
  it('says so and exits 1 at once under /proc (Node\'s own recursive mkdir loops there for ever)', () => {
    const home = makeHome();
    fs.writeFileSync(path.join(home, 'crontab'), '0 1 * * * /bin/x\n');
    const result = runCli(['import-crontab', 'crontab', '--output', '/proc/nope/x.json'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^symphony-conductor: cannot write \/proc\/nope\/x.json: .*nothing was written\n$/);
  });
});

describe('an imported task, run by the conductor', () => {
  it("gets cron's input from % and a literal % from \\%", () => {
    const home = makeHome();
    const out = path.join(home, 'out.txt');
    writeConfig(home, { tasks: [] });
    importInto(home, `* * * * * cat > ${out}; echo "100\\% at $(date +\\%Y)" >> ${out}%first line%second 'line'\n`);
    const name = (JSON.parse(fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8')).tasks[0] as { name: string }).name;
    const run = runCli(['run', '--task', name], { home });
    expect(run.code).toBe(0);
    // cron ends the input with a newline (Vixie cron's need_newline)
    expect(fs.readFileSync(out, 'utf8')).toBe(`first line\nsecond 'line'\n100% at ${new Date().getFullYear()}\n`);
  });

  it("runs under cron's SHELL with the crontab's environment", () => {
    const home = makeHome({ tasks: [] });
    const out = path.join(home, 'out.txt');
    importInto(home, `SHELL=/bin/bash\nGREETING="hello there"\n* * * * * echo "$GREETING from \${BASH_VERSION:+bash}" > ${out}\n`);
    const name = (JSON.parse(fs.readFileSync(path.join(home, 'config', 'conductor_config.json'), 'utf8')).tasks[0] as { name: string }).name;
    expect(runCli(['run', '--task', name], { home }).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('hello there from bash\n');
  });
});

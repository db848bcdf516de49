// doctor as an operator runs it on a home that went wrong in one way at a time: each problem is
// one line with its fix and exit 8; a sound home is exit 0.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDaemon } from '../../src/app/doctor/checkDaemon.js';
import { checkUnit } from '../../src/app/doctor/checkSystem.js';
import { firstWord } from '../../src/app/doctor/checkCommands.js';
import { homePaths } from '../../src/app/paths.js';
import { asNobodyUnavailable, makeHome, makeNobodyHome, repoRoot, runCli, runCliAsNobody } from '../helpers/cli.js';

const config = { tasks: [{ name: 'a', command: 'true', schedule: '0 2 * * *' }] };

function usedHome(extra: Record<string, unknown> = {}): string {
  const home = makeHome({ ...config, ...extra });
  expect(runCli(['run', '--task', 'a'], { home }).code).toBe(0);
  return home;
}

function doctor(home: string) {
  const result = runCli(['doctor', '--json'], { home });
  return { code: result.code, findings: JSON.parse(result.stdout) as { check: string; status: string; message: string; fix: string | null }[] };
}

describe('doctor', () => {
  it('finds nothing wrong on a home that has run, and says so with exit 0', () => {
    const home = usedHome();
    const result = runCli(['doctor'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+config\s+config\/conductor_config\.json is valid: 1 tasks$/m);
    expect(result.stdout).toMatch(/^ok\s+history\s+status\/conductor\.db passes PRAGMA quick_check$/m);
    expect(result.stdout).toMatch(/^warn\s+daemon\s+the daemon is not running.* -- fix: /m);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('no problems found');
  });

  it('names a corrupt history, with a fix, and exits 8', () => {
    const home = usedHome();
    const db = path.join(home, 'status/conductor.db');
    for (const suffix of ['-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
    const bytes = fs.readFileSync(db);
    bytes.fill(0x41, 100, Math.min(bytes.length, 8192));
    fs.writeFileSync(db, bytes);
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    const history = findings.find((f) => f.check === 'history');
    expect(history).toMatchObject({ status: 'fail' });
    expect(history?.message).toMatch(/status\/conductor\.db (fails PRAGMA quick_check|cannot be read)/);
    expect(history?.fix).toMatch(/move it aside/);
  });

  it('leaves no -wal or -shm behind (made by root under sudo, they would lock the daemon\'s user out)', () => {
    const home = usedHome();
    expect(fs.readdirSync(path.join(home, 'status')).sort()).toEqual(['automation_health', 'conductor.db']);
    expect(doctor(home).findings.find((f) => f.check === 'history')).toMatchObject({ status: 'ok' });
    expect(fs.readdirSync(path.join(home, 'status')).sort()).toEqual(['automation_health', 'conductor.db']);
  });

  it('names a stale pid file left by a dead daemon', () => {
    const home = usedHome();
    fs.writeFileSync(path.join(home, 'conductor.pid'), '999999\n');
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    expect(findings.find((f) => f.check === 'pid file')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^rm conductor\.pid/) });
  });

  it('warns of a missing folder that start would make, and fails one that cannot be made', () => {
    const home = usedHome();
    fs.rmSync(path.join(home, 'logs'), { recursive: true });
    const soft = doctor(home);
    expect(soft.code).toBe(0);
    expect(soft.findings.find((f) => f.check === 'folders' && f.message.startsWith('logs'))).toMatchObject({ status: 'warn' });
    fs.writeFileSync(path.join(home, 'status/automation_health'.replace('automation_health', 'x')), '');
    fs.rmSync(path.join(home, 'status/automation_health'), { recursive: true });
    fs.writeFileSync(path.join(home, 'status/automation_health'), 'a file where a folder should be');
    fs.mkdirSync(path.join(home, 'logs'));
    fs.writeFileSync(path.join(home, 'logs/automation'), '');
    const hard = doctor(home);
    expect(hard.code).toBe(8);
    expect(hard.findings.filter((f) => f.status === 'fail').map((f) => f.message)).toEqual(
      expect.arrayContaining(['logs/automation is not a folder', 'status/automation_health is not a folder']),
    );
  });

  it('names a task whose program is not found, and an invalid config', () => {
    const home = makeHome({ tasks: [{ name: 'gone', command: 'FOO=1 no-such-program --flag' }, { name: 'ok', command: 'cd / && true' }] });
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    expect(findings.filter((f) => f.check === 'commands')).toEqual([
      { check: 'commands', status: 'fail', message: 'task gone: "no-such-program" is not found on PATH', fix: expect.stringMatching(/install it/) },
    ]);
    fs.writeFileSync(path.join(home, 'config/conductor_config.json'), '{"tasks": [{"name": "x"}]}');
    const bad = doctor(home);
    expect(bad.code).toBe(8);
    expect(bad.findings[0]).toMatchObject({ check: 'config', status: 'fail', message: expect.stringMatching(/\/tasks\/0\/command: required key is missing/) });
    expect(bad.findings[0]?.fix).toMatch(/^correct it, then check with: symphony-conductor validate/);
  });

  it('names a working directory that does not exist, not the program in it as "not found"', () => {
    const home = makeHome({ tasks: [{ name: 'c', command: 'date', cwd: 'nosuchdir' }, { name: 'd', command: './x.sh', cwd: 'nosuchdir' }] });
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    expect(findings.filter((f) => f.check === 'commands').map((f) => [f.message, f.fix])).toEqual([
      [expect.stringMatching(/^task c: its working directory .*nosuchdir does not exist$/), "create it, or correct the task's cwd"],
      [expect.stringMatching(/^task d: its working directory .*nosuchdir does not exist$/), "create it, or correct the task's cwd"],
    ]);
  });

  it('fails a config as validate does: a watch task\'s json_schema that is not there', () => {
    const home = makeHome({ tasks: [{ name: 'intake', command: 'true', watch: { path: 'in', json: true, json_schema: 'config/intent.schema.json' } }] });
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    expect(findings[0]).toMatchObject({ check: 'config', status: 'fail', message: expect.stringMatching(/\/tasks\/0\/watch\/json_schema: .*intent\.schema\.json: no such file/) });
    expect(runCli(['validate'], { home }).code).toBe(1);
  });

  it('names a program path that exists but is not executable, with the chmod that fixes it', () => {
    const home = makeHome({
      tasks: [
        { name: 'notexec', command: 'scripts/notexec.sh --flag' },
        { name: 'runs', command: './scripts/runs.sh' },
        { name: 'in_home', command: '~/runs.sh', env: { HOME: 'HOME/scripts' } },
        { name: 'gone', command: 'scripts/gone.sh' },
      ],
    });
    fs.mkdirSync(path.join(home, 'scripts'));
    fs.writeFileSync(path.join(home, 'scripts/notexec.sh'), '#!/bin/sh\ntrue\n', { mode: 0o644 });
    fs.writeFileSync(path.join(home, 'scripts/runs.sh'), '#!/bin/sh\ntrue\n', { mode: 0o755 });
    const configFile = path.join(home, 'config/conductor_config.json');
    fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace('HOME/scripts', path.join(home, 'scripts')));
    expect(runCli(['run', '--task', 'notexec'], { home }).code).toBe(8); // what doctor warns of: exit 126
    const { code, findings } = doctor(home);
    expect(code).toBe(8);
    expect(findings.filter((f) => f.check === 'commands')).toEqual([
      { check: 'commands', status: 'fail', message: 'task notexec: "scripts/notexec.sh" is not executable (scripts/notexec.sh, mode 644)', fix: 'chmod +x scripts/notexec.sh' },
      { check: 'commands', status: 'fail', message: 'task gone: "scripts/gone.sh" is not found', fix: `check the path (relative to ${home})` },
    ]);
  });

  it('says how to make a config that is missing, not to correct it', () => {
    const { code, findings } = doctor(makeHome());
    expect(code).toBe(8);
    expect(findings[0]).toMatchObject({ check: 'config', status: 'fail', message: expect.stringMatching(/config file not found/) });
    expect(findings[0]?.fix).toMatch(/^create it \(from a crontab: symphony-conductor import-crontab FILE --output config\/conductor_config\.json;/);
  });
});

const asNobody = asNobodyUnavailable();
if (asNobody) console.warn(`doctor's permission tests skipped: ${asNobody}`);

/** A home of nobody's that has run once (as nobody), and doctor run on it as nobody. */
function nobodysUsedHome(): string {
  const home = makeNobodyHome(config);
  expect(runCliAsNobody(['run', '--task', 'a'], { home }).code).toBe(0);
  return home;
}

function doctorAsNobody(home: string) {
  const result = runCliAsNobody(['doctor', '--json'], { home });
  return { code: result.code, findings: JSON.parse(result.stdout) as { check: string; status: string; message: string; fix: string | null }[] };
}

const failures = (findings: { status: string }[]) => findings.filter((f) => f.status === 'fail');

describe.skipIf(asNobody !== null)("as the daemon's user (nobody), on files it cannot write", () => {
  it('fails a history owned by root, as start refuses it, and names the user to give it to', () => {
    const home = nobodysUsedHome();
    const db = path.join(home, 'status/conductor.db');
    // -wal and -shm are there while a daemon has the history open.
    for (const file of [`${db}-wal`, `${db}-shm`]) fs.writeFileSync(file, '');
    for (const file of [db, `${db}-wal`, `${db}-shm`]) {
      fs.chownSync(file, 0, 0);
      fs.chmodSync(file, 0o644);
    }
    expect(runCliAsNobody(['start'], { home, timeoutMs: 20_000 }).stderr).toMatch(/history database: cannot open for writing/);
    const { code, findings } = doctorAsNobody(home);
    expect(code).toBe(8);
    expect(failures(findings)).toEqual([
      {
        check: 'history',
        status: 'fail',
        message: 'status/conductor.db status/conductor.db-wal status/conductor.db-shm are not writable by nobody: start would refuse it (history database: cannot open for writing)',
        fix: 'chown nobody status/conductor.db status/conductor.db-wal status/conductor.db-shm (the user the daemon runs as)',
      },
    ]);
    fs.rmSync(`${db}-wal`);
    fs.rmSync(`${db}-shm`);
    expect(failures(doctorAsNobody(home).findings)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^status\/conductor\.db is not writable by nobody/), fix: 'chown nobody status/conductor.db (the user the daemon runs as)' }),
    ]);
  });

  it('fails a history in a status/ it may not look into, not "does not exist yet"', () => {
    const home = nobodysUsedHome();
    fs.chmodSync(path.join(home, 'status'), 0o000);
    try {
      const { code, findings } = doctorAsNobody(home);
      expect(code).toBe(8);
      expect(findings.find((f) => f.check === 'history')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/history database: cannot be read: permission denied/),
        fix: 'chown -R nobody status (the user the daemon runs as), or chmod u+rwx status',
      });
    } finally {
      fs.chmodSync(path.join(home, 'status'), 0o755);
    }
  });

  it('fails a home it cannot write (where conductor.pid goes), and start refuses it at once with exit 1', () => {
    const home = nobodysUsedHome();
    fs.chownSync(home, 0, 0);
    fs.chmodSync(home, 0o755);
    const { code, findings } = doctorAsNobody(home);
    expect(code).toBe(8);
    expect(failures(findings)).toEqual([
      {
        check: 'folders',
        status: 'fail',
        message: `${home} is not writable by nobody: start cannot write conductor.pid there`,
        fix: `chown -R nobody ${home} (the user the daemon runs as)`,
      },
    ]);
    // It used to start, log "cannot write the pid file" and then an error every second, without a pid file.
    const start = runCliAsNobody(['start'], { home, timeoutMs: 20_000 });
    expect(start.code).toBe(1);
    expect(start.stderr).toBe(`symphony-conductor: ${home}: folder is not writable by nobody (the daemon writes conductor.pid there)\n`);
    expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(false);
  });

  it('names the user to chown a folder to (by its uid, whatever $USER says), or chmod when the folder is its own', () => {
    const home = nobodysUsedHome();
    fs.chownSync(path.join(home, 'logs'), 0, 0);
    fs.chmodSync(path.join(home, 'status'), 0o555);
    expect(failures(doctorAsNobody(home).findings)).toEqual([
      { check: 'folders', status: 'fail', message: 'logs is not writable by nobody', fix: 'chown -R nobody logs (the user the daemon runs as)' },
      { check: 'folders', status: 'fail', message: 'status is not writable by nobody', fix: 'chmod u+wx status' },
    ]);
  });
});

describe('the unit check', () => {
  it('passes a unit that runs this checkout on this home, and fails one that runs another', () => {
    const dir = fs.mkdtempSync(path.join(repoRoot, 'test-unit-'));
    try {
      const home = '/var/lib/symphony-conductor';
      const main = path.join(repoRoot, 'dist', 'cli', 'main.js');
      const unit = (exec: string) => `[Service]\nEnvironment=CONDUCTOR_HOME=${home}\nExecStart=/usr/bin/node ${exec} start\n`;
      fs.writeFileSync(path.join(dir, 'symphony-conductor.service'), unit(main));
      expect(checkUnit(homePaths(home), [dir], main).status).toBe('ok');
      fs.writeFileSync(path.join(dir, 'symphony-conductor.service'), unit('/opt/other/dist/cli/main.js'));
      const other = checkUnit(homePaths(home), [dir], main);
      expect(other.status).toBe('fail');
      expect(other.message).toMatch(/does not run .*main\.js start/);
      expect(checkUnit(homePaths('/elsewhere'), [dir], main).message).toMatch(/runs on the home \/var\/lib\/symphony-conductor/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('calls the daemon not running a problem when a unit is installed to run the home, a warning otherwise', async () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true' }] });
    const asService = (await checkDaemon(homePaths(home), null, true)).findings[0];
    expect(asService).toMatchObject({ check: 'daemon', status: 'fail', message: 'the daemon is not running, though its unit is installed for this home: nothing fires' });
    expect((await checkDaemon(homePaths(home), null, false)).findings[0]).toMatchObject({ check: 'daemon', status: 'warn' });
  });

  it('the built CLI (a bundle in dist/cli/) takes its own dist/cli/main.js as the entry a unit must start', () => {
    if (fs.existsSync('/etc/systemd/system/symphony-conductor.service')) return; // that unit would be read first
    const home = usedHome();
    const userHome = fs.mkdtempSync(path.join(repoRoot, 'test-user-'));
    try {
      const units = path.join(userHome, '.config', 'systemd', 'user');
      fs.mkdirSync(units, { recursive: true });
      const main = path.join(repoRoot, 'dist', 'cli', 'main.js');
      fs.writeFileSync(path.join(units, 'symphony-conductor.service'), `[Service]\nEnvironment=CONDUCTOR_HOME=${home}\nExecStart=/usr/bin/node ${main} start\n`);
      const result = runCli(['doctor', '--json'], { home, env: { HOME: userHome } });
      const unit = (JSON.parse(result.stdout) as { check: string; status: string; message: string }[]).find((f) => f.check === 'unit');
      expect(unit).toMatchObject({ status: 'ok', message: expect.stringMatching(/starts this conductor on this home/) });
    } finally {
      fs.rmSync(userHome, { recursive: true, force: true });
    }
  });

  it.each([
    ['./scripts/x.sh arg', './scripts/x.sh'],
    ['A=1 B=2 python3 -c pass', 'python3'],
    ['"quoted prog" arg', null],
    ['$(which x)', null],
  ])('reads the program of %j as %j', (command, word) => {
    expect(firstWord(command)).toBe(word);
  });
});

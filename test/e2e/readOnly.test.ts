// The read-only commands need no write access: on a read-only mount of the home (or of its
// history) status, history, logs, graph, next and validate work, with or without a daemon
// writing to the same files elsewhere, and on a writable home they leave nothing behind
// (issue 9, item 18). We run as root here, so "cannot write" is made real with a read-only
// bind mount in a private mount namespace (unshare -m); without one the tests skip and say why.
import { spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asNobodyUnavailable, chownTree, cliPath, makeHome, makeNobodyHome, runCli, runCliAsNobody, spawnCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

/** Why a read-only bind mount cannot be made here, or null when it can. */
function readOnlyMountUnavailable(): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-ro-probe-'));
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && ! touch "$1/x" 2>/dev/null', 'sh', dir], {
    encoding: 'utf8',
  });
  if (probe.error) return `unshare is not available (${probe.error.message})`;
  if (probe.status !== 0) return `cannot make a read-only bind mount in a private mount namespace: ${probe.stderr.trim() || `exit ${probe.status}`}`;
  return null;
}

const unavailable = readOnlyMountUnavailable();
if (unavailable) console.warn(`read-only mount tests skipped: ${unavailable}`);

/** Runs the CLI with `dir` (the home or a folder in it) remounted read-only, for this process only. */
function cliOnReadOnly(dir: string, home: string, args: string[]) {
  const result = spawnSync(
    'unshare',
    ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', 'sh', dir, process.execPath, cliPath, '--home', home, ...args],
    { cwd: home, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const config = {
  tasks: [
    { name: 'scan', command: 'echo scanned', schedule: '0 2 * * *' },
    { name: 'clean', command: 'echo cleaned', dependencies: ['scan'] },
  ],
};

function homeWithHistory(): string {
  const home = makeHome(config);
  expect(runCli(['run', '--all'], { home }).code).toBe(0);
  expect(fs.readdirSync(path.join(home, 'status')).sort()).toEqual(['automation_health', 'conductor.db']); // closed cleanly: no -wal
  return home;
}

const daemons: ChildProcess[] = [];
afterEach(() => {
  for (const d of daemons.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
});

describe.skipIf(unavailable !== null)('on a read-only mount', () => {
  it.each([
    ['the whole home', (home: string) => home],
    ['only the status folder', (home: string) => path.join(home, 'status')],
  ])('status and history read the history when %s is read-only', (_label, readOnly) => {
    const home = homeWithHistory();
    const status = cliOnReadOnly(readOnly(home), home, ['status', '--json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.daemon.running).toBe(false);
    expect(report.recent_results.map((r: { task: string }) => r.task).sort()).toEqual(['clean', 'scan']);
    expect(report.tasks.map((t: { health: { status: string } }) => t.health.status)).toEqual(['success', 'success']);
    const history = cliOnReadOnly(readOnly(home), home, ['history', '--json']);
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).map((r: { task: string }) => r.task)).toEqual(['clean', 'scan']);
  });

  it.each([
    ['logs', ['logs', '--task', 'scan'], /scanned/],
    ['graph', ['graph'], /clean +\[after dependencies\]  <- scan/],
    ['next', ['next', '-n', '1'], /^scan \d{4}-/],
    ['validate', ['validate'], /valid, 2 tasks/],
    ['history of a home where nothing ran', ['history'], /no runs recorded/],
  ])('%s works on a read-only home', (_label, args, expected) => {
    const home = _label.startsWith('history of') ? makeHome(config) : homeWithHistory();
    const result = cliOnReadOnly(home, home, args);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(expected);
    expect(result.code).toBe(0);
  });

  it('status and history see a running daemon and its latest rows through the read-only mount', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'true', schedule: '* * * * * *' }] });
    const daemon = spawnCli(['start'], { home });
    daemons.push(daemon);
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two runs of the daemon');
    expect(fs.existsSync(path.join(home, 'status/conductor.db-wal'))).toBe(true);
    const status = cliOnReadOnly(home, home, ['status', '--json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.daemon).toMatchObject({ running: true, pid: daemon.pid });
    expect(report.recent_results.length).toBeGreaterThanOrEqual(2);
    const history = cliOnReadOnly(path.join(home, 'status'), home, ['history', '--json', '--task', 'tick']);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).length).toBeGreaterThanOrEqual(2);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });
});

describe('on a writable home', () => {
  it('status and history write nothing and leave no -wal or -shm file behind', () => {
    const home = homeWithHistory();
    const db = path.join(home, 'status/conductor.db');
    const digest = () => crypto.createHash('sha256').update(fs.readFileSync(db)).digest('hex');
    const before = digest();
    expect(runCli(['status', '--json'], { home }).code).toBe(0);
    expect(runCli(['history'], { home }).code).toBe(0);
    expect(fs.readdirSync(path.join(home, 'status')).sort()).toEqual(['automation_health', 'conductor.db']);
    expect(digest()).toBe(before);
  });

  it('status and history create no database where none is', () => {
    const home = makeHome(config);
    expect(runCli(['status', '--json'], { home }).code).toBe(0);
    expect(runCli(['history'], { home }).stdout).toBe('no runs recorded\n');
    expect(fs.existsSync(path.join(home, 'status'))).toBe(false);
  });
});

describe('a home that is not a folder: said, exit 1, not read as a home where nothing ran', () => {
  it.each([
    ['a missing folder', (base: string) => path.join(base, 'no-such-home'), 'no such folder'],
    ['a file', (base: string) => path.join(base, 'plain'), 'a file, not a folder'],
    ['a path through a file', (base: string) => path.join(base, 'plain', 'home'), 'not a folder (a part of that path is a file)'],
  ])('history, audit and status given %s', (_label, homeOf, why) => {
    const base = makeHome();
    fs.writeFileSync(path.join(base, 'plain'), '');
    const home = homeOf(base);
    for (const args of [['history'], ['audit'], ['status', '--json'], ['status', '--json', '--config', path.join(base, 'conductor_config.json')]]) {
      fs.writeFileSync(path.join(base, 'conductor_config.json'), JSON.stringify(config));
      const result = runCli(args, { home, cwd: base });
      expect(result.stderr, args.join(' ')).toBe(`symphony-conductor: ${home}: ${why} (the home: --home, else $CONDUCTOR_HOME, else the current folder)\n`);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(1);
    }
  });

  it('a home that is there, where nothing ran yet (no status folder), is no history: history, audit and status say so, exit 0', () => {
    const home = makeHome(config);
    expect(runCli(['history'], { home })).toMatchObject({ code: 0, stdout: 'no runs recorded\n', stderr: '' });
    expect(runCli(['audit'], { home })).toMatchObject({ code: 0, stdout: 'no operator actions recorded\n', stderr: '' });
    const status = runCli(['status', '--json'], { home });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).tasks.map((t: { last_run: unknown }) => t.last_run)).toEqual([null, null]);
  });
});

const asNobody = asNobodyUnavailable();
if (asNobody) console.warn(`unreadable history tests skipped: ${asNobody}`);

describe.skipIf(asNobody !== null)('a history this user cannot read (run as nobody) is an error naming it, not an empty history', () => {
  /** A home of nobody's with two runs recorded, then `lock` applied to it. */
  function lockedHome(lock: (home: string) => void): string {
    const home = makeNobodyHome(config);
    expect(runCliAsNobody(['run', '--all'], { home }).code).toBe(0);
    lock(home);
    return home;
  }
  const db = (home: string) => path.join(home, 'status', 'conductor.db');

  it.each([
    ['the status folder is mode 000', (home: string) => fs.chmodSync(path.join(home, 'status'), 0o000)],
    ['the history file is mode 000', (home: string) => fs.chmodSync(db(home), 0o000)],
    ['the history belongs to root, mode 600', (home: string) => (chownTree(path.join(home, 'status'), 0), fs.chmodSync(db(home), 0o600))],
  ])('%s: history, audit, status and report exit 1 saying so', (_label, lock) => {
    const home = lockedHome(lock);
    for (const args of [['history'], ['audit'], ['status', '--json'], ['report']]) {
      const result = runCliAsNobody(args, { home });
      expect(result.stderr, args.join(' ')).toBe(
        `symphony-conductor: ${db(home)}: history database: cannot be read: permission denied (EACCES; the file or a folder on its path is not open to this user)\n`,
      );
      expect(result.stdout).toBe('');
      expect(result.code).toBe(1);
    }
  });

  it('a home of mode 000: history and audit say the history cannot be read', () => {
    const home = lockedHome((h) => fs.chmodSync(h, 0o000));
    for (const args of [['history'], ['audit']]) {
      const result = runCliAsNobody(args, { home, cwd: path.dirname(home) });
      expect(result.stderr).toMatch(new RegExp(`^symphony-conductor: ${db(home)}: history database: cannot be read: permission denied \\(EACCES`));
      expect(result.code).toBe(1);
    }
  });
});

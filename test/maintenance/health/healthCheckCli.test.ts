// health-check through the built CLI on a temp home with real history: exit 8 on a failed or
// stale task or a nearly full disk, 0 when all is well or there are only warnings, 1 on bad input.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli } from '../../helpers/cli.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

function home(tasks: object[]): string {
  const dir = makeHome({ tasks, settings: { timezone: 'UTC' } });
  homes.push(dir);
  return dir;
}

const task = (name: string, command: string, schedule: string | null = '*/30 * * * *', extra: object = {}) => ({ name, command, ...(schedule ? { schedule } : {}), ...extra });

function run(dir: string, name: string): number | null {
  return runCli(['run', '--task', name], { home: dir }).code;
}

function check(dir: string, ...args: string[]) {
  const result = runCli(['health-check', '--json', ...args], { home: dir });
  return { ...result, json: result.stdout ? JSON.parse(result.stdout) : null };
}

describe('health-check on a home whose tasks all succeeded', () => {
  it('exits 0 with status ok', () => {
    const dir = home([task('a', 'true'), task('b', 'true', '0 3 * * *'), task('manual', 'true', null), task('off', 'false', '0 * * * *', { enabled: false })]);
    expect(run(dir, 'a')).toBe(0);
    expect(run(dir, 'b')).toBe(0);
    expect(run(dir, 'manual')).toBe(0);
    const result = check(dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.json.status).toBe('ok');
    expect(result.json.problems).toEqual([]);
    expect(result.json.tasks.tasks.map((t: { name: string; state: string }) => [t.name, t.state])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['manual', 'ok'],
      ['off', 'disabled'],
    ]);
    expect(result.json.root).toBe(fs.realpathSync(dir));
    expect(result.json.disk).toMatchObject({ level: 'ok', min_free_percent: 10, critical_free_percent: 5 });
    expect(result.json.temp_files).toMatchObject({ level: 'ok', count: 0, max: 100, min_age_seconds: 86_400 });
  });
});

describe('health-check when a task failed', () => {
  it('exits 8 and names the task, its time and exit code', () => {
    const dir = home([task('good', 'true'), task('bad', 'echo boom >&2; exit 3')]);
    run(dir, 'good');
    expect(run(dir, 'bad')).toBe(8);
    const text = runCli(['health-check'], { home: dir });
    expect(text.code).toBe(8);
    expect(text.stdout).toMatch(/^Health check of .*: 1 problem$/m);
    expect(text.stdout).toMatch(/^ERROR: tasks: bad: last run failed at \S+: exit code 3$/m);
    const json = check(dir).json;
    expect(json.status).toBe('error');
    expect(json.problems).toEqual([{ level: 'error', check: 'tasks', message: expect.stringMatching(/^bad: last run failed at/) }]);
  });

  it('recovers once the task succeeds again', () => {
    const dir = home([task('flaky', 'test -f ok-now')]);
    expect(run(dir, 'flaky')).toBe(8);
    expect(check(dir).code).toBe(8);
    fs.writeFileSync(path.join(dir, 'ok-now'), '');
    expect(run(dir, 'flaky')).toBe(0);
    expect(check(dir).code).toBe(0);
  });
});

describe('health-check when a task is stale', () => {
  it('exits 8 once two whole periods passed without a success', async () => {
    const dir = home([task('every_second', 'true', '* * * * * *')]);
    expect(run(dir, 'every_second')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const result = check(dir);
    expect(result.code).toBe(8);
    const entry = result.json.tasks.tasks[0];
    expect(entry).toMatchObject({ name: 'every_second', state: 'stale', level: 'error', stale: true, last_status: 'success' });
    expect(entry.reason).toMatch(/^no success since /);
  });
});

describe('health-check run as a task ($CONDUCTOR_TASK)', () => {
  it('does not judge its own task, so a check that failed for a while cannot keep failing on itself', async () => {
    const dir = home([task('health_check', 'exit 8', '* * * * * *')]);
    expect(run(dir, 'health_check')).toBe(8);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(check(dir).code).toBe(8);
    const asTask = runCli(['health-check', '--json'], { home: dir, env: { CONDUCTOR_TASK: 'health_check' } });
    expect(asTask.code).toBe(0);
    const json = JSON.parse(asTask.stdout);
    expect(json).toMatchObject({ status: 'ok', problems: [], tasks: { level: 'ok', self: 'health_check' } });
    expect(json.tasks.tasks[0]).toMatchObject({ name: 'health_check', state: 'failed', stale: true });
  });
});

describe('health-check with warnings only', () => {
  it('exits 0 on a fresh home where nothing ran yet (never_ran is a warning)', () => {
    const dir = home([task('a', 'true')]);
    const result = check(dir);
    expect(result.code).toBe(0);
    expect(result.json.status).toBe('warning');
    expect(result.json.problems).toEqual([{ level: 'warning', check: 'tasks', message: 'a: never ran' }]);
    expect(fs.existsSync(path.join(dir, 'status', 'conductor.db'))).toBe(false);
  });

  it('warns about more old temp files than --max-temp-files, but not about fresh ones', () => {
    const dir = home([]);
    const old = new Date(Date.now() - 2 * 86_400_000);
    for (const name of ['one.tmp', 'two~', 'three.bak', 'fresh.tmp']) {
      fs.writeFileSync(path.join(dir, name), 'x');
      if (name !== 'fresh.tmp') fs.utimesSync(path.join(dir, name), old, old);
    }
    const result = check(dir, '--max-temp-files', '2');
    expect(result.code).toBe(0);
    expect(result.json.temp_files).toMatchObject({ level: 'warning', count: 3, max: 2 });
    expect(result.json.problems).toEqual([{ level: 'warning', check: 'temp_files', message: '3 temp files older than 1d (more than 2)' }]);
    expect(check(dir, '--max-temp-files', '3').json.status).toBe('ok');
  });

  it('checks the --root tree, not the home', () => {
    const dir = home([]);
    const root = makeHome();
    homes.push(root);
    const old = new Date(Date.now() - 2 * 86_400_000);
    fs.writeFileSync(path.join(root, 'x.tmp'), 'x');
    fs.utimesSync(path.join(root, 'x.tmp'), old, old);
    const result = check(dir, '--root', root, '--max-temp-files', '0');
    expect(result.json.root).toBe(fs.realpathSync(root));
    expect(result.json.temp_files.count).toBe(1);
  });
});

describe('health-check disk thresholds', () => {
  it('warns (exit 0) under --min-free-percent', () => {
    const dir = home([]);
    const result = check(dir, '--min-free-percent', '100', '--critical-free-percent', '0');
    expect(result.code).toBe(0);
    expect(result.json.disk.level).toBe('warning');
    expect(result.json.problems[0]).toMatchObject({ level: 'warning', check: 'disk', message: expect.stringMatching(/% free .*, under 100%$/) });
  });

  it('fails (exit 8) under --critical-free-percent', () => {
    const dir = home([]);
    const result = check(dir, '--min-free-percent', '100', '--critical-free-percent', '100');
    expect(result.code).toBe(8);
    expect(result.json.disk.level).toBe('error');
  });
});

describe('health-check input errors (exit 1)', () => {
  it('refuses a root that does not exist, with a clear message and no output', () => {
    const dir = home([]);
    const result = runCli(['health-check', '--root', path.join(dir, 'missing')], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Root ${path.join(dir, 'missing')} does not exist`);
  });

  it('refuses bad thresholds, all named at once', () => {
    const dir = home([]);
    const result = runCli(['health-check', '--max-temp-files', '-3', '--temp-age', 'old', '--critical-free-percent', '50'], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Bad health-check options:');
    for (const flag of ['--max-temp-files', '--temp-age', '--critical-free-percent']) expect(result.stderr).toContain(`  ${flag}: `);
  });

  it('echoes a number flag given text as typed, not NaN', () => {
    const dir = home([]);
    const result = runCli(['health-check', '--max-temp-files', 'abc', '--min-free-percent=x'], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  --max-temp-files: expected a whole number of files, 0 or more, got "abc"');
    expect(result.stderr).toContain('  --min-free-percent: expected a percentage from 0 to 100, got "x"');
    expect(result.stderr).not.toContain('NaN');
  });

  it('refuses a home without a config', () => {
    const dir = makeHome();
    homes.push(dir);
    const result = runCli(['health-check'], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/conductor_config\.json/);
  });

  it('has --help with examples', () => {
    const result = runCli(['health-check', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--max-temp-files');
    expect(result.stdout).toContain('Examples:');
  });
});

describe('scripts/quick_health_check.sh run as the shipped config runs it', () => {
  it('checks the home from a task and fails that task (exit 8) when another task failed, not counting itself', () => {
    const dir = home([
      task('bad', 'exit 5'),
      { name: 'health_check', command: './scripts/quick_health_check.sh', schedule: '*/30 * * * *' },
    ]);
    fs.symlinkSync(path.join(repoRoot, 'scripts'), path.join(dir, 'scripts'));
    run(dir, 'bad');
    expect(run(dir, 'health_check')).toBe(8);
    const log = runCli(['logs', '--task', 'health_check'], { home: dir }).stdout;
    expect(log).toContain('ERROR: tasks: bad: last run failed');
    expect(log).not.toContain('health_check:');
    expect(fs.statSync(path.join(repoRoot, 'scripts', 'quick_health_check.sh')).mode & 0o111).not.toBe(0);
  });
});

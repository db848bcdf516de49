// automation-health through the built CLI: the report file under status/, the table and --json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli } from '../../helpers/cli.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

const config = {
  tasks: [
    { name: 'scan', command: 'true', schedule: '0 2 * * *' },
    { name: 'broken', command: 'exit 2', schedule: '*/30 * * * *' },
    { name: 'later', command: 'true', schedule: '0 * * * *' },
    { name: 'by_hand', command: 'true' },
    { name: 'off', command: 'true', schedule: '0 4 * * *', enabled: false },
  ],
  settings: { timezone: 'UTC' },
};

function home(): string {
  const dir = makeHome(config);
  homes.push(dir);
  return dir;
}

const reportFile = (dir: string) => path.join(dir, 'status', 'automation_health_report.json');

describe('automation-health', () => {
  it('writes a report of every task under status/ and prints a table, exit 0 even with a failed task', () => {
    const dir = home();
    runCli(['run', '--task', 'scan'], { home: dir });
    runCli(['run', '--task', 'broken'], { home: dir });
    const before = Date.now();
    const result = runCli(['automation-health'], { home: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TASK\s+STATE\s+LAST\s+AGE\s+NEXT FIRE \(UTC\)\s+WHY$/m);
    expect(result.stdout).toMatch(/^broken\s+failed \(error\)\s+failed\s/m);
    expect(result.stdout).toContain(`5 tasks: 3 ok, 1 warning, 1 error`);
    expect(result.stdout).toContain(`report written to ${reportFile(dir)}`);

    const report = JSON.parse(fs.readFileSync(reportFile(dir), 'utf8'));
    expect(Object.keys(report)).toEqual(['generated_at', 'summary', 'tasks']);
    expect(Date.parse(report.generated_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(report.summary).toEqual({ ok: 3, warning: 1, error: 1 });
    const byName = new Map(report.tasks.map((t: { name: string }) => [t.name, t]));
    expect(byName.get('scan')).toMatchObject({
      enabled: true,
      schedule: '0 2 * * *',
      timezone: 'UTC',
      state: 'ok',
      level: 'ok',
      last_status: 'success',
      stale: false,
      health: { status: 'success', exit_code: 0 },
    });
    const scan = byName.get('scan') as { age_seconds: number; next_fire: string; last_run_at: string };
    expect(scan.age_seconds).toBeGreaterThanOrEqual(0);
    expect(scan.age_seconds).toBeLessThan(60);
    expect(scan.next_fire).toMatch(/T02:00:00\.000Z$/);
    expect(byName.get('broken')).toMatchObject({ state: 'failed', level: 'error', last_status: 'failed', health: { status: 'failed', exit_code: 2 } });
    expect(byName.get('later')).toMatchObject({ state: 'never_ran', level: 'warning', last_status: null, last_run_at: null, age_seconds: null, stale: false, health: null });
    expect(byName.get('by_hand')).toMatchObject({ state: 'never_ran', level: 'ok', next_fire: null, success_due_since: null });
    expect(byName.get('off')).toMatchObject({ state: 'disabled', enabled: false, next_fire: null, stale: false });
    for (const t of report.tasks) {
      expect(Object.keys(t)).toEqual(
        expect.arrayContaining(['name', 'enabled', 'schedule', 'last_status', 'last_run_at', 'age_seconds', 'next_fire', 'stale', 'health']),
      );
    }
  });

  it('prints the same report as JSON with --json', () => {
    const dir = home();
    runCli(['run', '--task', 'scan'], { home: dir });
    const result = runCli(['automation-health', '--json'], { home: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(fs.readFileSync(reportFile(dir), 'utf8')));
  });

  it('works on a fresh home with no history, creating status/ and leaving no temp file', () => {
    const dir = home();
    const result = runCli(['automation-health', '--json'], { home: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tasks.filter((t: { state: string }) => t.state === 'never_ran')).toHaveLength(4);
    expect(fs.readdirSync(path.join(dir, 'status'))).toEqual(['automation_health_report.json']);
  });

  it('refuses a home without a config (exit 1)', () => {
    const dir = makeHome();
    homes.push(dir);
    const result = runCli(['automation-health'], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/conductor_config\.json/);
    expect(fs.existsSync(reportFile(dir))).toBe(false);
  });

  it('has --help with examples', () => {
    const result = runCli(['automation-health', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
  });
});

describe('scripts/automation_health.sh', () => {
  it('runs automation-health with the flags given, through a symlink from another folder', () => {
    const dir = home();
    const linkDir = makeHome();
    homes.push(linkDir);
    fs.symlinkSync(path.join(repoRoot, 'scripts', 'automation_health.sh'), path.join(linkDir, 'ah'));
    const result = spawnSync(path.join(linkDir, 'ah'), ['--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CONDUCTOR_HOME: '' } });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).tasks).toHaveLength(5);
    expect(fs.existsSync(reportFile(dir))).toBe(true);
  });
});

// report through the built CLI: markdown and JSON over real history and a cleanup_actions.log.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../../helpers/cli.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const dir = makeHome({
    tasks: [
      { name: 'scan', command: 'true', schedule: '0 2 * * *' },
      { name: 'broken', command: 'echo no >&2; exit 4', schedule: '0 3 * * *', retry_count: 1, retry_delay: 0 },
      { name: 'idle', command: 'true', schedule: '0 4 * * *' },
    ],
    settings: { timezone: 'UTC' },
  });
  homes.push(dir);
  return dir;
}

function withHistory(): string {
  const dir = home();
  runCli(['run', '--task', 'scan'], { home: dir });
  runCli(['run', '--task', 'scan'], { home: dir });
  runCli(['run', '--task', 'broken'], { home: dir });
  const now = new Date().toISOString();
  fs.writeFileSync(
    path.join(dir, 'cleanup_actions.log'),
    [
      `${now} batch-start ok - b1: 2 to move (cleanup)`,
      `${now} move ok "a.tmp" -> .quarantine/b1/a.tmp (temp file)`,
      `${now} move failed "b.tmp" EACCES; left in place`,
      `2001-01-01T00:00:00.000Z move ok "ancient"`,
      'not a line of the log',
    ].join('\n'),
  );
  return dir;
}

describe('report --format json', () => {
  it('gives runs, failures, durations and cleanup actions of the period', () => {
    const dir = withHistory();
    const result = runCli(['report', '--since', '1d', '--format', 'json'], { home: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.period).toBe('1d');
    expect(Date.parse(report.until) - Date.parse(report.since)).toBe(86_400_000);
    expect(report.root).toBe(fs.realpathSync(dir));
    expect(report.totals).toEqual({ runs: 3, successes: 2, failures: 1, timeouts: 0, interrupted: 0, running: 0, skipped: 0, attempts: 4 });
    expect(report.tasks.map((t: { task: string }) => t.task)).toEqual(['scan', 'broken', 'idle']);
    expect(report.tasks[0]).toMatchObject({ runs: 2, successes: 2, attempts: 2 });
    expect(report.tasks[0].p50_duration_ms).toBeGreaterThanOrEqual(0);
    expect(report.tasks[0].max_duration_ms).toBeGreaterThanOrEqual(report.tasks[0].p50_duration_ms);
    expect(report.tasks[1]).toMatchObject({ runs: 1, failures: 1, attempts: 2 });
    expect(report.tasks[2]).toMatchObject({ runs: 0, p50_duration_ms: null });
    expect(report.failures).toEqual([
      expect.objectContaining({ task: 'broken', status: 'failed', attempts: 2, exit_code: 4, reason: 'exit code 4' }),
    ]);
    expect(report.cleanup_actions).toMatchObject({ present: true, total: 3, unparsed: 1, by_action: { 'batch-start': { ok: 1 }, move: { ok: 1, failed: 1 } } });
    expect(report.notes).toEqual([]);
  });

  it('is also what --json prints', () => {
    const dir = withHistory();
    const json = JSON.parse(runCli(['report', '--json'], { home: dir }).stdout);
    expect(json.period).toBe('7d');
    expect(json.totals.runs).toBe(3);
  });
});

describe('report --format markdown (the default)', () => {
  it('is ready to paste: a table per task, the failures, the cleanup actions', () => {
    const dir = withHistory();
    const result = runCli(['report', '--since', '1d'], { home: dir });
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/^## Symphony conductor report: last 1d\n/);
    expect(text).toContain('**3 runs** (4 attempts): 2 succeeded, 1 failed, 0 timed out; 0 skipped fires.');
    expect(text).toContain('| Task | Runs | Succeeded | Failed | Timed out | Interrupted | Skipped | p50 | Max |');
    expect(text).toMatch(/^\| `scan` \| 2 \| 2 \| 0 \| 0 \| 0 \| 0 \| /m);
    expect(text).toMatch(/^\| `idle` \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| - \| - \|$/m);
    expect(text).toMatch(/^- \d{4}-\d\d-\d\d \d\d:\d\d UTC `broken` failed after 2 attempts: exit code 4 \(run \S+\)$/m);
    expect(text).toContain('| move | failed | 1 |\n| move | ok | 1 |');
    expect(text).toContain('1 line of the log could not be read as actions.');
  });
});

describe('report on a fresh home', () => {
  it('reports no runs, says there is no database nor cleanup log, and creates nothing', () => {
    const dir = home();
    const result = runCli(['report', '--since', '7d'], { home: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No runs in this period.');
    expect(result.stdout).toContain('No `cleanup_actions.log` in the root');
    expect(result.stdout).toMatch(/no history database at .*conductor\.db/);
    expect(fs.existsSync(path.join(dir, 'status'))).toBe(false);
  });
});

describe('report input errors (exit 1)', () => {
  it.each(['7', 'week', '-1d', '0h'])('refuses --since %j', (since) => {
    const dir = home();
    const result = runCli(['report', `--since=${since}`], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Bad --since: "${since}"`);
  });

  it('refuses an unknown --format', () => {
    const result = runCli(['report', '--format', 'html'], { home: home() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid values|Choices/);
  });

  it('refuses a root that does not exist', () => {
    const dir = home();
    const result = runCli(['report', '--root', path.join(dir, 'nope')], { home: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does not exist');
  });

  it('has --help with examples', () => {
    const result = runCli(['report', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--since');
    expect(result.stdout).toContain('Examples:');
  });
});

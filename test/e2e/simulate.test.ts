// simulate as a user runs it: the window, the text and JSON shapes, durations from a file and
// from the history, and every bad input with a clear message and exit 1.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

const tasks = [
  { name: 'scan', command: 'true', schedule: '0 2 * * *', timezone: 'America/New_York' },
  { name: 'analyze', command: 'true', schedule: '30 2 * * *', dependencies: ['scan'], timezone: 'America/New_York' },
  { name: 'report', command: 'true', dependencies: ['analyze'] },
  { name: 'off', command: 'true', schedule: '0 3 * * *', enabled: false },
];

describe('simulate', () => {
  it('prints every fire of the window in order, in the task zone, with a count', () => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    const result = runCli(['simulate', '--from', '2025-03-08T00:00:00Z', '--days', '3'], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^AT\s+TASK\s+TRIGGER\s+WHAT$/);
    // The spring-forward night in New York: 02:00 and 02:30 do not exist; both run once right after the jump.
    expect(lines).toContainEqual(expect.stringMatching(/^2025-03-09T03:00:00-04:00\s+scan\s+schedule\s+runs$/));
    // analyze fires at the same instant as scan, so it waits for scan, as the daemon would.
    expect(lines).toContainEqual(expect.stringMatching(/^2025-03-09T03:00:00-04:00\s+analyze\s+schedule\s+waits on scan; runs$/));
    expect(lines.filter((l) => /\sreport\s+dependency\s+runs/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^9 fires from 2025-03-08T00:00:00\+00:00 to 2025-03-11T00:00:00\+00:00$/);
  });

  it('stopped by Ctrl-C in the middle of a year, exits 3 (interrupted by a signal) at once', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `t${i}`, command: 'true', schedule: `${i % 60} * * * *` }));
    const home = makeHome({ tasks: many, settings: { timezone: 'UTC' } });
    const child = spawnCli(['simulate', '--days', '365', '--json'], { home });
    let bytes = 0;
    let tail = '';
    child.stdout?.on('data', (c: Buffer) => {
      bytes += c.length;
      tail = (tail + c.toString()).slice(-100);
    });
    await waitFor(() => bytes > 100_000, 'the first fires');
    child.kill('SIGINT');
    expect((await exitOf(child)).code).toBe(3);
    // Heard between two batches of fires, not once the year (2.6 million fires, ~300 MB) was done.
    expect(tail.endsWith(']\n')).toBe(false);
    expect(bytes).toBeLessThan(200_000_000);
  });

  it('says on stderr that a run going now is not modelled (the window starts with nothing running)', async () => {
    const home = makeHome({ tasks: [{ name: 'long', command: 'sleep 30', schedule: '*/5 * * * *' }], settings: { timezone: 'UTC' } });
    const running = spawnCli(['run', '--task', 'long'], { home });
    await waitFor(() => rows(home).some((r) => r.status === 'running'), 'the run to start');
    const result = runCli(['simulate', '--days', '1', '--json'], { home });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^symphony-conductor: note: long has a run running now \(run \S+, since 20\d\d-.*Z\); the simulation starts with nothing running/);
    expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
    running.kill('SIGTERM');
    await exitOf(running);
    expect(runCli(['simulate', '--days', '1'], { home }).stderr).toBe('');
  });

  it('gives JSON with the contract fields, and --task shows one task', () => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    const result = runCli(['simulate', '--from', '2025-06-01T00:00:00Z', '--days', '1', '--task', 'analyze', '--json'], { home });
    expect(result.code).toBe(0);
    const fires = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(fires).toEqual([
      {
        at: '2025-06-01T02:30:00-04:00',
        task: 'analyze',
        trigger: 'schedule',
        waits_on: [],
        outcome: 'run',
        reason: null,
        start: '2025-06-01T02:30:00-04:00',
        end: '2025-06-01T02:30:00-04:00',
      },
    ]);
  });

  it('takes durations from a file: a long scan makes analyze wait, and says on what', () => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    fs.writeFileSync(path.join(home, 'durations.json'), JSON.stringify({ scan: 3600, analyze: 60 }));
    const result = runCli(['simulate', '--from', '2025-06-01T00:00:00Z', '--days', '1', '--durations', 'durations.json', '--json'], { home });
    const fires = JSON.parse(result.stdout) as { task: string; waits_on: string[]; start: string; end: string }[];
    const analyze = fires.find((f) => f.task === 'analyze');
    expect(analyze).toMatchObject({ waits_on: ['scan'], start: '2025-06-01T03:00:00-04:00', end: '2025-06-01T03:01:00-04:00' });
  });

  it('takes durations from the history when there is no file (the median of recent successes)', () => {
    const home = makeHome({ tasks: [{ name: 'nap', command: 'sleep 1.2', schedule: '0 * * * *' }], settings: { timezone: 'UTC' } });
    for (let i = 0; i < 3; i++) expect(runCli(['run', '--task', 'nap'], { home }).code).toBe(0);
    const result = runCli(['simulate', '--from', '2025-06-01T00:00:00Z', '--days', '0.1', '--json'], { home });
    const [fire] = JSON.parse(result.stdout) as { start: string; end: string }[];
    const took = Date.parse(fire?.end ?? '') - Date.parse(fire?.start ?? '');
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(3000);
  });

  it('over a window already in the history, sees only the runs from before it, not its own future', () => {
    const home = makeHome({
      tasks: [
        { name: 'x', command: 'exit 1', schedule: '0 * * * *' },
        { name: 'y', command: 'true', schedule: '30 * * * *', dependencies: ['x'] },
      ],
      settings: { timezone: 'UTC' },
    });
    // x fails now, long after the window: the window's own x runs (simulated) must decide y.
    expect(runCli(['run', '--task', 'x'], { home }).code).not.toBe(0);
    const result = runCli(['simulate', '--from', '2025-05-31T23:59:00Z', '--until', '2025-06-01T00:45:00Z', '--json'], { home });
    expect(result.code).toBe(0);
    const fires = JSON.parse(result.stdout) as { task: string; at: string; outcome: string }[];
    expect(fires.map((fire) => `${fire.at} ${fire.task} ${fire.outcome}`)).toEqual(['2025-06-01T00:00:00+00:00 x run', '2025-06-01T00:30:00+00:00 y run']);
  });

  it.each([
    [['--days', '0'], /--days takes a number of days above 0/],
    [['--days', '4000'], /at most 3660/],
    [['--days', '2', '--until', '2025-06-01'], /mutually exclusive/],
    [['--from', 'yesterday'], /--from: "yesterday" is not an ISO 8601 time/],
    [['--from', '2025-06-02', '--until', '2025-06-01'], /--until must be after the start of the window/],
    [['--task', 'nope'], /no task named "nope"/],
    [['--durations', 'missing.json'], /--durations: cannot read missing\.json: ENOENT/],
  ])('refuses %j with a clear message and exit 1', (args, message) => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    const result = runCli(['simulate', ...args], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error|at .*\.js:/);
  });

  it('lists approval fires in the order of their instants, and one still awaiting approval at the end as pending', () => {
    const home = makeHome({ tasks: [{ name: 'gate', command: 'true', schedule: '*/20 * * * * *', approval: { timeout: 30 } }], settings: { timezone: 'UTC' } });
    const result = runCli(['simulate', '--from', '2026-12-01T12:00:00Z', '--until', '2026-12-01T12:01:00Z'], { home });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').slice(1, -1)).toEqual([
      expect.stringMatching(/^2026-12-01T12:00:20\+00:00\s+gate\s+schedule\s+skipped: approval timed out$/),
      expect.stringMatching(/^2026-12-01T12:00:40\+00:00\s+gate\s+schedule\s+skipped: awaiting approval/),
      expect.stringMatching(/^2026-12-01T12:01:00\+00:00\s+gate\s+schedule\s+still awaiting approval at the end of the window$/),
    ]);
    const json = JSON.parse(runCli(['simulate', '--from', '2026-12-01T12:00:00Z', '--until', '2026-12-01T12:01:00Z', '--json'], { home }).stdout);
    expect(json.at(-1)).toMatchObject({ task: 'gate', outcome: 'pending', reason: 'awaiting approval' });
  });

  it("goes on from what a budget used today before the window opens, as the daemon counts it", () => {
    const home = makeHome({ tasks: [{ name: 'capped', command: 'true', schedule: '*/10 * * * *', budget: { max_runs_per_day: 3 } }], settings: { timezone: 'UTC' } });
    // Two runs by hand today: one run of the day's three is left.
    for (let i = 0; i < 2; i++) expect(runCli(['run', '--task', 'capped'], { home }).code).toBe(0);
    const from = new Date(Date.now() + 1000).toISOString();
    const until = new Date(Math.min(Date.parse(from) + 25 * 60_000, Date.parse(`${from.slice(0, 10)}T23:59:59Z`))).toISOString();
    const result = runCli(['simulate', '--from', from, '--until', until, '--json'], { home });
    expect(result.code, result.stderr).toBe(0);
    const fires = JSON.parse(result.stdout) as { outcome: string; reason: string | null }[];
    if (fires.length === 0) return; // the window fell on the day's last minutes: nothing to compare
    expect(fires[0]?.outcome).toBe('run');
    for (const fire of fires.slice(1)) expect(fire.reason).toBe('budget exhausted: 3 of 3 runs used today (UTC)');
  });

  it('refuses a durations file naming an unknown task or a negative time, with each problem', () => {
    const home = makeHome({ tasks, settings: { timezone: 'UTC' } });
    fs.writeFileSync(path.join(home, 'd.json'), JSON.stringify({ scann: 5, analyze: -1 }));
    const result = runCli(['simulate', '--durations', 'd.json'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/scann: no task named "scann"/);
    expect(result.stderr).toMatch(/\/analyze: must be a number of seconds, 0 or more/);
  });
});

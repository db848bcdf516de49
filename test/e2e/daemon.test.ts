// The real daemon, real processes and seconds-level cron: firing, dependencies, signals,
// crash recovery, reload, a second daemon, and tasks that misbehave.
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, makeHome, runCli, spawnCli, writeConfig } from '../helpers/cli.js';
import { exitOf, processAlive, rows, waitFor } from '../helpers/wait.js';

const daemons: ChildProcess[] = [];
afterEach(() => {
  for (const d of daemons.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
});

function startDaemon(home: string, env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawnCli(['start'], { home, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  daemons.push(child);
  return Object.assign(child, { output: () => output });
}

const everySecond = '* * * * * *';

describe('the daemon', () => {
  it('fires tasks at their seconds, runs a dependency chain, and says so in its banner', async () => {
    const home = makeHome({
      tasks: [
        { name: 'tick', command: 'true', schedule: everySecond },
        { name: 'child', command: 'true', schedule: everySecond, dependencies: ['tick'] },
        { name: 'downstream', command: 'true', dependencies: ['child'] },
      ],
    });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.task === 'downstream' && r.status === 'success').length >= 2, 'two chain runs');
    expect(daemon.output()).toMatch(/started: 3 tasks \(3 enabled\) from config\/conductor_config\.json/);
    expect(daemon.output()).toMatch(/next fire \(task=tick at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00\)/);
    const all = rows(home);
    const ticks = all.filter((r) => r.task === 'tick');
    for (const tick of ticks) {
      expect(tick.trigger).toBe('schedule');
      expect(tick.fire_at! % 1000).toBe(0);
      expect(tick.started_at - tick.fire_at!).toBeLessThan(1000);
    }
    expect(new Set(ticks.map((t) => t.fire_at)).size).toBe(ticks.length);
    expect(all.find((r) => r.task === 'downstream')?.trigger).toBe('dependency');
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(status.daemon).toMatchObject({ running: true, pid: daemon.pid });
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(false);
    // Its log: the start line first, its pid written once (the logger adds it to every line).
    const [first = ''] = fs.readFileSync(path.join(home, 'logs', 'symphony_conductor.log'), 'utf8').split('\n');
    expect(first.match(/"pid":/g)).toHaveLength(1);
    expect(JSON.parse(first)).toMatchObject({ pid: daemon.pid, tasks: 3, msg: expect.stringMatching(/ started: 3 tasks/) });
  });

  it('drains on SIGTERM: lets the running task finish, records it, exits 0', async () => {
    const home = makeHome({ tasks: [{ name: 'work', command: 'touch started; sleep 1.5; echo done', schedule: everySecond }] });
    const daemon = startDaemon(home);
    await waitFor(() => fs.existsSync(path.join(home, 'started')), 'the task to start');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    const last = rows(home).filter((r) => r.status !== 'skipped').at(-1);
    expect(last?.status).toBe('success');
    expect(rows(home).some((r) => r.status === 'running')).toBe(false);
  });

  it('stops a task that ignores SIGTERM with SIGKILL after its grace, records it interrupted, exits 0', async () => {
    const home = makeHome({
      tasks: [{ name: 'stubborn', command: "trap '' TERM; echo $$ > pid; while :; do sleep 0.1; done", schedule: everySecond, kill_grace: 0.5 }],
      settings: { shutdown_timeout: 0.5 },
    });
    const daemon = startDaemon(home);
    await waitFor(() => fs.existsSync(path.join(home, 'pid')), 'the task to start');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    const run = rows(home).find((r) => r.task === 'stubborn' && r.status !== 'skipped');
    expect(run).toMatchObject({ status: 'interrupted', exit_code: 137 });
    expect(processAlive(Number(fs.readFileSync(path.join(home, 'pid'), 'utf8')))).toBe(false);
  });

  it('after kill -9, the next start marks the run interrupted and stops its process group', async () => {
    const home = makeHome({ tasks: [{ name: 'orphan', command: 'echo $$ > pid; sleep 60', schedule: everySecond, kill_grace: 1 }] });
    // The execa back end: the spawn helper would stop the group itself when the daemon dies (test/e2e/orphans.test.ts).
    const first = startDaemon(home, { CONDUCTOR_SPAWN: 'node' });
    await waitFor(() => fs.existsSync(path.join(home, 'pid')) && rows(home).some((r) => r.status === 'running' && r.pid), 'a running task');
    first.kill('SIGKILL');
    await exitOf(first);
    const shell = Number(fs.readFileSync(path.join(home, 'pid'), 'utf8'));
    expect(processAlive(shell)).toBe(true);
    expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(true); // stale, must not block
    const second = startDaemon(home);
    await waitFor(() => rows(home).some((r) => r.status === 'interrupted'), 'the orphan marked interrupted');
    expect(processAlive(shell)).toBe(false);
    const orphan = rows(home).find((r) => r.status === 'interrupted');
    expect(orphan?.reason).toMatch(/stopped while this ran; found at start-up/);
    const healthFile = path.join(home, 'status/automation_health/orphan.health');
    await waitFor(() => fs.existsSync(healthFile), 'the health file');
    expect(fs.readFileSync(healthFile, 'utf8')).toMatch(/^(interrupted|success|failed):/);
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  });

  it('reloads a good config on SIGHUP and refuses a bad one, keeping the old', async () => {
    const home = makeHome({ tasks: [{ name: 'first', command: 'true', schedule: everySecond }] });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).some((r) => r.task === 'first'), 'first to fire');
    writeConfig(home, { tasks: [{ name: 'second', command: 'true', schedule: everySecond }] });
    daemon.kill('SIGHUP');
    await waitFor(() => rows(home).some((r) => r.task === 'second'), 'second to fire');
    const firstRuns = () => rows(home).filter((r) => r.task === 'first').length;
    const before = firstRuns();
    writeConfig(home, '{ "tasks": [ {"name": "broken", "command": "true", "schedule": "61 * * * *"} ] }');
    daemon.kill('SIGHUP');
    await waitFor(() => daemon.output().includes('config reload refused'), 'the refusal');
    expect(daemon.output()).toMatch(/\/tasks\/0\/schedule/);
    const seconds = rows(home).filter((r) => r.task === 'second').length;
    await waitFor(() => rows(home).filter((r) => r.task === 'second').length >= seconds + 2, 'second to keep firing');
    expect(firstRuns()).toBeLessThanOrEqual(before + 1);
    expect(rows(home).some((r) => r.task === 'broken')).toBe(false);
    // status shows the config the daemon runs on, and says the file is invalid, rather than fail.
    const status = runCli(['status', '--json'], { home });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).tasks.map((t: { name: string }) => t.name)).toEqual(['second']);
    expect(status.stderr).toContain('/tasks/0/schedule');
    expect(status.stderr).toContain('the daemon keeps running on its last good config');
    // A file that is not JSON: the log line's problems name the file, line and column (not `problems=[]`).
    writeConfig(home, '{\n  "tasks": [,]\n}');
    daemon.kill('SIGHUP');
    await waitFor(() => (daemon.output().match(/config reload refused/g) ?? []).length === 2, 'the second refusal');
    const logged = fs.readFileSync(path.join(home, 'logs', 'symphony_conductor.log'), 'utf8').split('\n').filter((l) => l.includes('config reload refused')).at(-1);
    expect(JSON.parse(logged ?? '{}').problems).toEqual([expect.stringMatching(/conductor_config\.json:2:13: invalid JSON: unexpected ','/)]);
    // A file moved away: status still shows what the daemon runs, and says where the file went.
    const configFile = path.join(home, 'config', 'conductor_config.json');
    fs.renameSync(configFile, `${configFile}.moved`);
    const moved = runCli(['status', '--json'], { home });
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout).tasks.map((t: { name: string }) => t.name)).toEqual(['second']);
    expect(moved.stderr).toContain('config file not found');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    // With no daemon, the invalid file is an error again.
    expect(runCli(['status', '--json'], { home }).code).toBe(1);
  });

  it('of two daemons started at the same instant, exactly one runs; the other exits 1 and says why', async () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: '0 0 1 1 *' }] });
    const one = startDaemon(home);
    const two = startDaemon(home);
    const loser = await Promise.race([exitOf(one).then((e) => ({ e, d: one })), exitOf(two).then((e) => ({ e, d: two }))]);
    expect(loser.e.code).toBe(1);
    expect(loser.d.output()).toMatch(/another daemon is already running/);
    const winner = loser.d === one ? two : one;
    await waitFor(() => JSON.parse(runCli(['status', '--json'], { home }).stdout).daemon.running, 'status to see it');
    winner.kill('SIGTERM');
    expect((await exitOf(winner)).code).toBe(0);
  });

  it('records a task whose log cannot be written as failed, with the reason, and goes on', async () => {
    const home = makeHome({
      tasks: [
        { name: 'nolog', command: 'true', schedule: everySecond },
        { name: 'fine', command: 'true', schedule: everySecond },
      ],
    });
    fs.mkdirSync(path.join(home, 'logs/automation/nolog.log'), { recursive: true });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.task === 'fine' && r.status === 'success').length >= 2, 'fine to run twice');
    const failed = rows(home).find((r) => r.task === 'nolog');
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.reason).toMatch(/cannot write the task log .*nolog\.log/);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('answers GET /api/v1/status from its live state: an emptied config (a save in progress) or a refused reload cannot stop it', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'true', schedule: everySecond }] });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).some((r) => r.task === 'tick' && r.status === 'success'), 'tick to run');
    const { url, token } = await waitFor(() => apiOf(home), 'status/http.url');
    const status = () => fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), '');
    const during = await status();
    expect(during.status).toBe(200);
    const report = (await during.json()) as { tasks: { name: string; last_run: { status: string } | null }[]; daemon: { pid: number } };
    expect(report.daemon.pid).toBe(daemon.pid);
    expect(report.tasks.map((t) => t.name)).toEqual(['tick']);
    daemon.kill('SIGHUP');
    await waitFor(() => daemon.output().includes('config reload refused'), 'the refusal');
    for (let i = 0; i < 20; i++) expect((await status()).status).toBe(200);
    expect(daemon.exitCode).toBeNull();
    const ticks = rows(home).filter((r) => r.task === 'tick').length;
    await waitFor(() => rows(home).filter((r) => r.task === 'tick').length >= ticks + 2, 'tick to keep firing');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('refuses to start on a bad config, exit 1, nothing started', () => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'true', schedule: 'nope' }] });
    const result = runCli(['start'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/tasks\/0\/schedule/);
    expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(false);
  });
});

void execFileSync;

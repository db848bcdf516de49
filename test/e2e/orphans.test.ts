// No task outlives the conductor that started it, nor escapes its run: a foreground run whose
// terminal closes or that is killed outright, a daemon killed with -9 while a shell's background
// child lives on, a process that leaves its group with setsid. And a run whose conductor is gone
// is reported as interrupted by every reader, before anything records it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { apiOf, cliPath, makeHome, runCli, spawnCli } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, processAlive, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

const pidIn = (home: string, file: string) => Number(fs.readFileSync(path.join(home, file), 'utf8'));
const hasPid = (home: string, file: string) => fs.existsSync(path.join(home, file)) && fs.readFileSync(path.join(home, file), 'utf8').endsWith('\n');

/** A foreground `run --task long`, once its shell runs and its row says so. */
async function runningForeground(home: string, env: Record<string, string> = {}) {
  const run = spawnCli(['run', '--task', 'long'], { home, env });
  await waitFor(() => hasPid(home, 'shell') && rows(home).some((r) => r.task === 'long' && r.status === 'running' && r.pid), 'the task to run');
  return { run, shell: pidIn(home, 'shell') };
}

const longTask = { name: 'long', command: 'echo $$ > shell; sleep 1001', kill_grace: 1 };
const quickTask = { name: 'quick', command: 'true' };

describe('when the terminal of a foreground run closes (SIGHUP)', () => {
  it('stops the task as for Ctrl-C, records it interrupted, and exits 3', async () => {
    const home = makeHome({ tasks: [longTask] });
    const { run, shell } = await runningForeground(home);
    run.kill('SIGHUP');
    expect(await exitOf(run)).toEqual({ code: 3, signal: null });
    expect(processAlive(shell)).toBe(false);
    expect(rows(home).find((r) => r.task === 'long')).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGHUP' });
  });
});

describe('when a foreground run is killed outright (SIGKILL)', () => {
  it('the spawn helper stops its task; readers report the run interrupted without writing; the next run records it', async () => {
    const home = makeHome({ tasks: [longTask, quickTask] });
    const { run, shell } = await runningForeground(home);
    run.kill('SIGKILL');
    await exitOf(run);
    await waitFor(() => !processAlive(shell), 'the task to be stopped by the spawn helper');

    const stored = () => rows(home).find((r) => r.task === 'long');
    expect(stored()?.status).toBe('running'); // nothing has written since
    const history = JSON.parse(runCli(['history', '--json'], { home }).stdout) as { task: string; status: string; reason: string }[];
    expect(history.find((r) => r.task === 'long')).toMatchObject({ status: 'interrupted', reason: expect.stringMatching(/is gone; not recorded yet/) });
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout) as { tasks: { name: string; last_run: { status: string } }[] };
    expect(status.tasks.find((t) => t.name === 'long')?.last_run.status).toBe('interrupted');
    const check = JSON.parse(runCli(['health-check', '--json'], { home }).stdout) as { tasks: { tasks: { name: string; state: string; level: string }[] } };
    expect(check.tasks.tasks.find((t) => t.name === 'long')).toMatchObject({ state: 'interrupted', level: 'warning' });
    expect(stored()?.status).toBe('running'); // still: readers never write

    expect(runCli(['run', '--task', 'quick'], { home }).code).toBe(0);
    expect(stored()).toMatchObject({ status: 'interrupted', reason: expect.stringMatching(/stopped while this ran; found by a later run/) });
  });

  it('with the execa back end (no spawn helper) the task lives on until the next run stops it and records it', async () => {
    const home = makeHome({ tasks: [longTask, quickTask] });
    const { run, shell } = await runningForeground(home, { CONDUCTOR_SPAWN: 'node' });
    run.kill('SIGKILL');
    await exitOf(run);
    expect(processAlive(shell)).toBe(true);
    expect(runCli(['run', '--task', 'quick'], { home, env: { CONDUCTOR_SPAWN: 'node' } }).code).toBe(0);
    expect(processAlive(shell)).toBe(false);
    expect(rows(home).find((r) => r.task === 'long')).toMatchObject({ status: 'interrupted', exit_code: 143 });
  });
});

describe('after a daemon is killed with -9', () => {
  // Only its first fire does anything: later fires (and those after the restart) end at once.
  const leavesAChild = { name: 'bg', command: '[ -e child ] && exit 0; sleep 1005 & echo $! > child; echo $$ > shell; sleep 3', schedule: '* * * * * *', kill_grace: 1 };

  it('the next start stops a background child whose shell has exited (the group outlived its leader)', async () => {
    const home = makeHome({ tasks: [leavesAChild] });
    const env = { CONDUCTOR_SPAWN: 'node' }; // execa: nothing stops the group when the daemon dies
    const first = startDaemon(home, env);
    const recorded = () => rows(home).some((r) => r.task === 'bg' && r.status === 'running' && r.pid);
    await waitFor(() => hasPid(home, 'shell') && hasPid(home, 'child') && recorded(), 'the task to start');
    first.kill('SIGKILL');
    await exitOf(first);
    const child = pidIn(home, 'child');
    await waitFor(() => !processAlive(pidIn(home, 'shell')), 'the shell to exit after its sleep 3', 10_000);
    expect(processAlive(child)).toBe(true);
    const second = startDaemon(home, env);
    await waitFor(() => rows(home).some((r) => r.task === 'bg' && r.status === 'interrupted'), 'the run marked interrupted');
    await waitFor(() => !processAlive(child), 'the background child to be stopped');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  });

  it('with the spawn helper, the task stops at once, and the next start records the run interrupted', async () => {
    const home = makeHome({ tasks: [leavesAChild] });
    const first = startDaemon(home);
    await waitFor(() => hasPid(home, 'shell') && hasPid(home, 'child'), 'the task to start');
    first.kill('SIGKILL');
    await exitOf(first);
    await waitFor(() => !processAlive(pidIn(home, 'child')) && !processAlive(pidIn(home, 'shell')), 'the helper to stop the group');
    const second = startDaemon(home);
    await waitFor(() => rows(home).some((r) => r.task === 'bg' && r.status === 'interrupted'), 'the run marked interrupted');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  });
});

describe('a run cut short by a daemon killed with -9, found by a start much later', () => {
  it('ends at its last sign of life, not when it was found: the downtime is not charged to its budget', async () => {
    const home = makeHome({ tasks: [{ name: 'b', command: 'sleep 30', budget: { max_runtime_per_day: 15 } }] });
    const first = startDaemon(home);
    const { url, token } = await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const asked = await fetch(`${url}/api/v1/tasks/b/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(asked.status).toBe(202);
    const running = await waitFor(() => rows(home).find((r) => r.task === 'b' && r.status === 'running' && r.pid), 'b to run');
    // The daemon beats every second while runs go: the end found is its last beat, not the start.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    first.kill('SIGKILL');
    await exitOf(first);
    const killedAt = Date.now();
    await waitFor(() => !processAlive(running.pid as number), 'the spawn helper to stop the task');
    await new Promise((resolve) => setTimeout(resolve, 6000)); // the daemon is down
    const second = startDaemon(home);
    const found = await waitFor(() => rows(home).find((r) => r.task === 'b' && r.status === 'interrupted'), 'the run marked interrupted');
    const { finished_at: finishedAt, duration_ms: took } = found as typeof found & { finished_at: number; duration_ms: number };
    expect(finishedAt).toBeLessThanOrEqual(killedAt);
    expect(took).toBe(finishedAt - running.started_at);
    expect(took).toBeGreaterThanOrEqual(1000);
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout) as { tasks: { name: string; budget: { runtime_used_s: number }; health: { timestamp: string } }[] };
    const b = status.tasks.find((t) => t.name === 'b');
    expect(b?.budget.runtime_used_s).toBeLessThanOrEqual(4);
    // The health line says when the run was found (README: Crash recovery).
    expect(Date.parse(b?.health.timestamp ?? '')).toBeGreaterThan(killedAt + 4000);
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  });
});

describe('a daemon killed with -9 that stays a zombie (its parent has not reaped it)', () => {
  it('is dead to the next start: its run is recorded interrupted, its group stopped, and the task fires again', async () => {
    const home = makeHome({ tasks: [{ name: 'bg', command: '[ -e child ] && exit 0; sleep 1005 & echo $! > child; exec sleep 1006', schedule: '* * * * * *', kill_grace: 1 }] });
    const env = { CONDUCTOR_SPAWN: 'node' }; // execa: nothing but the next start stops the group
    // sh starts the daemon in the background, then becomes sleep, which never reaps it.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${cliPath}" --home "${home}" start > /dev/null 2>&1 & echo $! > "${home}/daemon"; exec sleep 1000`], {
      env: { ...process.env, ...env },
    });
    try {
      await waitFor(() => hasPid(home, 'daemon') && hasPid(home, 'child') && rows(home).some((r) => r.task === 'bg' && r.status === 'running' && r.pid), 'the task to start');
      const daemon = pidIn(home, 'daemon');
      process.kill(daemon, 'SIGKILL');
      await waitFor(() => /^State:\s+Z/m.test(fs.readFileSync(`/proc/${daemon}/status`, 'utf8')), 'the daemon to be a zombie');
      const child = pidIn(home, 'child');
      const second = startDaemon(home, env);
      await waitFor(() => rows(home).some((r) => r.task === 'bg' && r.status === 'interrupted'), 'the run marked interrupted');
      await waitFor(() => !processAlive(child), 'the background child to be stopped');
      await waitFor(() => rows(home).some((r) => r.task === 'bg' && r.status === 'success'), 'the task to fire again');
      expect(second.output()).not.toMatch(/another run of the task is going/);
      second.kill('SIGTERM');
      expect((await exitOf(second)).code).toBe(0);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('when a task escapes its process group with setsid', () => {
  it('the escaped process is stopped, and the run says so in its reason and in the log', async () => {
    // The shell waits until the child has left its group (it writes its pid after setsid), so the
    // shell's end never finds it still in the group: a loaded machine once stopped it as a group
    // member before it ran setsid, and the reason was empty.
    const home = makeHome({
      tasks: [
        {
          name: 'escape',
          command: `setsid sh -c 'echo $$ > escaped.tmp && mv escaped.tmp escaped && exec sleep 1004' & while [ ! -s escaped ]; do sleep 0.01; done; echo started`,
          kill_grace: 1,
        },
      ],
    });
    const result = runCli(['run', '--task', 'escape'], { home });
    expect(result.code).toBe(0);
    const escaped = pidIn(home, 'escaped');
    expect(processAlive(escaped)).toBe(false);
    const row = rows(home).find((r) => r.task === 'escape');
    expect(row?.status).toBe('success');
    // Its name is sh's until it has exec'd sleep.
    const said = new RegExp(`^1 process left the run's process group \\(setsid or a double fork\\) and outlived it: pid ${escaped} \\((sleep|sh)\\); stopped with SIGTERM$`);
    expect(row?.reason).toMatch(said);
    const logged = fs.readFileSync(path.join(home, 'logs/symphony_conductor.log'), 'utf8').split('\n').find((l) => l.includes('"msg":"attempt finished"'));
    expect(logged).toMatch(new RegExp(`pid ${escaped} \\((sleep|sh)\\); stopped with SIGTERM`));
  });
});

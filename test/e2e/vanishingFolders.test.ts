// Folders removed under a running daemon (`rm -rf logs/`, `rm -rf status/`): what is missing is
// made again and the daemon goes on as if nothing happened.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon, type TestDaemon } from '../helpers/daemonProcess.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

/** `rm -rf dir` while the daemon writes into it (a file made between rm's listing and its rmdir: again). */
function removeWhileWritten(dir: string): void {
  for (let tries = 1; ; tries++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || tries >= 50) throw error;
    }
  }
}

describe('when logs/ is removed under a running daemon', () => {
  it('later runs still start and succeed, and the task log and the conductor log are made again', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'echo tock', schedule: '* * * * * *' }] });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two runs');
    const removedAt = Date.now();
    removeWhileWritten(path.join(home, 'logs'));
    const after = () => rows(home).filter((r) => r.started_at > removedAt + 1000 && r.status !== 'running');
    await waitFor(() => after().length >= 3, 'three runs after the removal');
    expect(after().map((r) => [r.status, r.reason])).toEqual(after().map(() => ['success', null]));
    const taskLog = path.join(home, 'logs/automation/tick.log');
    expect(fs.readFileSync(taskLog, 'utf8')).toMatch(/=== symphony-conductor run=\S+ attempt=1 task=tick[^\n]*\ntock\n/);
    const conductorLog = path.join(home, 'logs/symphony_conductor.log');
    await waitFor(() => fs.existsSync(conductorLog) && fs.readFileSync(conductorLog, 'utf8').includes('attempt finished'), 'the conductor log made again');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(fs.readFileSync(conductorLog, 'utf8')).toMatch(/"msg":"stopped"/);
  });
});

/** Resolves when a second daemon has either exited or started (said so in its banner). */
async function outcomeOf(daemon: TestDaemon): Promise<{ code: number | null } | 'started'> {
  return Promise.race([exitOf(daemon), waitFor(() => daemon.output().includes('started:') && ('started' as const), 'the daemon to start')]);
}

describe('when status/ is removed under a running daemon', () => {
  it('a second daemon still cannot start, no fire runs twice, and the history goes on in the file made again, nothing lost', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'true', schedule: '* * * * * *' }] });
    const first = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two runs');
    const before = rows(home).filter((r) => r.status === 'success');
    removeWhileWritten(path.join(home, 'status'));
    const second = startDaemon(home);
    expect(await outcomeOf(second)).toEqual({ code: 1, signal: null });
    expect(second.output()).toMatch(/another daemon is already running on .* \(pid \d+\)/);

    const removedAt = Date.now();
    await waitFor(() => rows(home).filter((r) => r.status === 'success' && r.started_at > removedAt).length >= 3, 'three runs after the removal');
    const after = rows(home);
    for (const row of before) expect(after.map((r) => r.run_id)).toContain(row.run_id); // the open copy was written back
    const fires = after.filter((r) => r.task === 'tick').map((r) => r.fire_at);
    expect(new Set(fires).size).toBe(fires.length); // every fire once: no second scheduler ran
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout) as { daemon: { running: boolean; pid: number } };
    expect(status.daemon).toMatchObject({ running: true, pid: first.pid });
    expect(first.output()).toMatch(/the history database was removed while the conductor ran: written again/);

    const third = startDaemon(home);
    expect(await outcomeOf(third)).toEqual({ code: 1, signal: null });
    first.kill('SIGTERM');
    expect((await exitOf(first)).code).toBe(0);
    expect(fs.existsSync(path.join(home, 'conductor.pid'))).toBe(false);
  });

  it('a stopping daemon removes the pid file only when it holds its own pid', async () => {
    const home = makeHome({ tasks: [{ name: 'idle', command: 'true', schedule: '0 0 1 1 *' }] });
    const daemon = startDaemon(home);
    await waitFor(() => daemon.output().includes('started:'), 'the daemon to start');
    const pidFile = path.join(home, 'conductor.pid');
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(`${daemon.pid}\n`);
    fs.writeFileSync(pidFile, '999999\n'); // another daemon's, as far as this one can tell
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(fs.readFileSync(pidFile, 'utf8')).toBe('999999\n');
  });
});

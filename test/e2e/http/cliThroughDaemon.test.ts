// The CLI with a daemon running on the home: `run --task` asks the daemon (trigger manual, its
// limits hold) and follows the run with the same lines and exit codes as a run here; Ctrl-C
// records it interrupted; pause, resume and cancel talk to the daemon, and without one say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { exitOf, rows, waitFor } from '../../helpers/wait.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let home: string;
let daemon: Daemon;
const user = os.userInfo().username;

beforeAll(async () => {
  home = makeHome({
    tasks: [
      { name: 'hold', command: 'sleep 1.5' },
      { name: 'gate', command: 'while [ ! -f "$CONDUCTOR_HOME/release" ]; do sleep 0.05; done' },
      { name: 'quick', command: 'echo quick' },
      { name: 'bad', command: 'echo no; exit 3' },
      { name: 'long', command: 'touch "$CONDUCTOR_HOME/long.$CONDUCTOR_RUN_ID"; exec sleep 60' },
      { name: 'up', command: 'echo up' },
      { name: 'down', command: 'echo down', dependencies: ['up'] },
    ],
    settings: { max_concurrent_tasks: 1, http: { port: 0 } },
  });
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

describe('run --task while a daemon runs', () => {
  it('runs it in the daemon, trigger manual, printing the progress a run here prints; exit 0', () => {
    const result = runCli(['run', '--task', 'quick'], { home });
    expect(result.code).toBe(0);
    const row = rows(home).find((r) => r.task === 'quick');
    expect(row).toMatchObject({ trigger: 'manual', status: 'success' });
    expect(result.stdout).toBe(`-> quick: started (run ${row?.run_id}, attempt 1, pid ${row?.pid})\nok quick: succeeded in ${/succeeded in (\S+)/.exec(result.stdout)?.[1]}\n1 succeeded\n`);
    const audit = JSON.parse(runCli(['audit', '--json', '-n', '1'], { home }).stdout)[0];
    expect(audit).toMatchObject({ actor: user, source: 'cli', action: 'run', task: 'quick', run_id: row?.run_id });
  });

  it('exits 8 when the run fails, with the hint to its log', () => {
    const result = runCli(['run', '--task', 'bad'], { home });
    expect(result.code).toBe(8);
    expect(result.stdout).toMatch(/^!! bad: failed after \S+: exit code 3$/m);
    expect(result.stdout).toMatch(/0 succeeded, 1 failed\nsee the output with: symphony-conductor logs --task bad\n$/);
  });

  it("waits for a slot of the daemon's max_concurrent_tasks", async () => {
    await daemon.call('/api/v1/tasks/hold/run', { method: 'POST' });
    await waitFor(() => rows(home).find((r) => r.task === 'hold' && r.status === 'running'), 'hold to run');
    const result = runCli(['run', '--task', 'quick'], { home });
    expect(result.code).toBe(0);
    const hold = rows(home).filter((r) => r.task === 'hold').at(-1);
    const quick = rows(home).filter((r) => r.task === 'quick').at(-1);
    expect(quick!.started_at).toBeGreaterThanOrEqual(hold!.started_at + 1000);
  });

  it("prints a run its concurrency_policy forbids as skipped, and exits 0", async () => {
    const { run_id: runId } = (await (await daemon.call('/api/v1/tasks/gate/run', { method: 'POST' })).json()) as { run_id: string };
    const result = runCli(['run', '--task', 'gate'], { home });
    fs.writeFileSync(path.join(home, 'release'), '');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('-- gate: skipped: the previous run is still going (concurrency_policy forbid)\n0 succeeded, 1 skipped\n');
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'success'), 'gate to end');
  });

  it('--with-deps runs the upstream first, in the daemon', () => {
    const result = runCli(['run', '--task', 'down', '--with-deps'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-> up: started[\s\S]*ok up: succeeded[\s\S]*-> down: started[\s\S]*ok down: succeeded[\s\S]*2 succeeded\n$/);
    expect(rows(home).filter((r) => r.task === 'up' || r.task === 'down').map((r) => [r.task, r.trigger])).toEqual([
      ['up', 'manual'],
      ['down', 'manual'],
    ]);
  });

  it('Ctrl-C stops the run in the daemon, recorded interrupted; exit 3', async () => {
    const child = spawnCli(['run', '--task', 'long'], { home });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const row = await waitFor(() => rows(home).find((r) => r.task === 'long' && r.status === 'running'), 'long to run');
    await waitFor(() => output.includes('-> long: started'), 'the started line');
    child.kill('SIGINT');
    expect((await exitOf(child)).code).toBe(3);
    expect(rows(home).find((r) => r.run_id === row.run_id)).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGINT' });
    expect(output).toMatch(/!! long: interrupted after \S+: interrupted by SIGINT\ninterrupted by SIGINT; 0 succeeded, 1 interrupted\n$/);
  });

  it('an unknown task is exit 1 with the reason', () => {
    const result = runCli(['run', '--task', 'nope'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no task named nope/);
  });
});

describe('pause, resume, cancel from the shell', () => {
  it('talk to the daemon; the audit log names the OS user', async () => {
    expect(runCli(['pause', '--task', 'quick'], { home }).stdout).toMatch(/^paused quick: it has no schedule, folder or webhook, so nothing comes to hold/);
    const again = runCli(['pause', '--task', 'quick'], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/task quick is already paused/);
    expect(runCli(['resume', '--task', 'quick'], { home }).code).toBe(0);
    const { run_id: runId } = (await (await daemon.call('/api/v1/tasks/long/run', { method: 'POST' })).json()) as { run_id: string };
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'running'), 'long to run');
    const cancel = runCli(['cancel', '--run', runId], { home });
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^cancelling run .* of long/);
    await waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'cancelled'), 'the run to end cancelled');
    const audit = JSON.parse(runCli(['audit', '--json', '-n', '4'], { home }).stdout);
    expect(audit.map((r: { actor: string; action: string }) => [r.actor, r.action])).toEqual([
      [user, 'cancel'],
      ['api:default', 'run'],
      [user, 'resume'],
      [user, 'pause'],
    ]);
    const table = runCli(['audit', '--since', '1h'], { home });
    expect(table.stdout).toMatch(/^AT\s+ACTOR\s+SOURCE\s+ACTION\s+TASK\s+RUN\s+DETAIL/);
  });

  it('without a daemon: a clear error, exit 1; audit --since needs a duration or a time', () => {
    const empty = makeHome({ tasks: [{ name: 'a', command: 'true' }] });
    for (const args of [['pause', '--task', 'a'], ['resume', '--task', 'a'], ['cancel', '--run', 'x']]) {
      const result = runCli(args, { home: empty });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`no daemon is running on .*: ${args[0]} talks to the running daemon`));
    }
    const bad = runCli(['audit', '--since', 'soon'], { home: empty });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Bad --since: "soon"/);
    expect(runCli(['audit'], { home: empty }).stdout).toBe('no operator actions recorded\n');
    expect(runCli(['run', '--task', 'a'], { home: empty }).code).toBe(0);
    const row = rows(empty).find((r) => r.task === 'a');
    expect(JSON.parse(runCli(['audit', '--json'], { home: empty }).stdout)).toEqual([
      { at: expect.any(String), actor: user, source: 'cli', action: 'run', task: 'a', run_id: row?.run_id, detail: 'ended success' },
    ]);
  });
});

describe('run --task when the daemon goes away during the run', () => {
  const start = async () => {
    const h = makeHome({ tasks: [{ name: 'long', command: 'exec sleep 60' }], settings: { shutdown_timeout: 0, http: { port: 0 } } });
    const d = await startDaemon(h);
    const child = spawnCli(['run', '--task', 'long'], { home: h });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('-> long: started'), 'the started line');
    return { h, d, child, output: () => output };
  };

  it('the daemon stopping (SIGTERM) interrupts the run: exit 3, not "all good"', async () => {
    const { d, child, output } = await start();
    d.child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(3);
    expect(output()).toMatch(/!! long: interrupted after \S+: .*the daemon stopped/);
  });

  it('the daemon killed (kill -9): says it lost the daemon, exit 3, no internal error', async () => {
    const { d, child, output } = await start();
    d.child.kill('SIGKILL');
    expect((await exitOf(child)).code).toBe(3);
    expect(output()).toMatch(/lost the daemon while following \S+ \(.*\): it stopped or died/);
    expect(output()).not.toMatch(/internal error/);
  });
});

describe('run --task of a run that waits for a slot when the daemon stops (SIGTERM)', () => {
  it('says it is queued, then exits 3 saying the next daemon starts it; the run stays queued and the next daemon runs it', async () => {
    // `hold` keeps the one slot until the drain stops it (1 s): `after` never gets it, however slow the machine.
    const h = makeHome({
      tasks: [{ name: 'hold', command: 'exec sleep 60', kill_grace: 1 }, { name: 'after', command: 'true' }],
      settings: { max_concurrent_tasks: 1, shutdown_timeout: 1, http: { port: 0 } },
    });
    const d = await startDaemon(h);
    await d.call('/api/v1/tasks/hold/run', { method: 'POST' });
    await waitFor(() => rows(h).find((r) => r.task === 'hold' && r.status === 'running'), 'hold to run');
    const child = spawnCli(['run', '--task', 'after'], { home: h });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stdout.includes('.. after: queued (waiting for a free slot)\n'), 'the queued line');
    d.child.kill('SIGTERM');
    expect((await exitOf(child)).code).toBe(3);
    expect(stderr).toMatch(/lost the daemon while following \S+ \(.*\): it stopped or died; a daemon started again starts it; see `history --task after`/);
    expect(stdout).not.toMatch(/-> after: started/);
    expect(rows(h).filter((r) => r.task === 'after').map((r) => r.status)).toEqual(['queued']);
    await exitOf(d.child);
    await startDaemon(h);
    await waitFor(() => rows(h).find((r) => r.task === 'after' && r.status === 'success'), 'the next daemon to run it');
  });
});

describe('a daemon that does not answer (stopped with SIGSTOP)', () => {
  it('run --task and pause say so after 30 s, exit 1, instead of hanging', async () => {
    const h = makeHome({ tasks: [{ name: 'quick', command: 'true' }], settings: { http: { port: 0 } } });
    const d = await startDaemon(h);
    d.child.kill('SIGSTOP');
    try {
      const collect = (args: string[]) => {
        const child = spawnCli(args, { home: h });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        return exitOf(child).then((exit) => ({ ...exit, stderr }));
      };
      const [run, pause] = await Promise.all([collect(['run', '--task', 'quick']), collect(['pause', '--task', 'quick'])]);
      for (const result of [run, pause]) {
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/the daemon at http:\S+ did not answer within 30 s: it is stopped \(SIGSTOP\), hung or overloaded/);
        expect(result.stderr).not.toMatch(/internal error|    at /);
      }
    } finally {
      d.child.kill('SIGCONT');
    }
    expect(rows(h).filter((r) => r.task === 'quick')).toEqual([]); // nothing was started behind the user's back
  }, 60_000);
});

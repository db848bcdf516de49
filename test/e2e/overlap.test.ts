// Two runs of one task at once. `forbid` holds across processes (two foreground runs, a
// foreground run and the daemon; no HTTP server involved), checked in the transaction that
// records the run. Under `allow` both run, and each run's output stays its own: `logs --run`
// and `logs -f` find an overlapping run while it runs, and the task log gets it whole after.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, spawnCli } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

/** Prints a line every 50 ms, tagged with its run id, until `release` exists. */
const chatty = 'i=0; while [ ! -e release ]; do echo "$CONDUCTOR_RUN_ID line $i"; i=$((i+1)); sleep 0.05; done; echo "$CONDUCTOR_RUN_ID end"';
const waits = 'touch started-$CONDUCTOR_RUN_ID; while [ ! -e release ]; do sleep 0.05; done';

const release = (home: string) => fs.writeFileSync(path.join(home, 'release'), '');
const running = (home: string, task: string) => rows(home).filter((r) => r.task === task && r.status === 'running' && r.pid);

function output(child: ReturnType<typeof spawnCli>): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

describe('under concurrency_policy forbid, across processes', () => {
  it('a second foreground run of a running task is skipped, naming the run that goes on', async () => {
    const home = makeHome({ tasks: [{ name: 'solo', command: waits }] });
    const first = spawnCli(['run', '--task', 'solo'], { home });
    await waitFor(() => running(home, 'solo').length === 1, 'the first run');
    const second = runCli(['run', '--task', 'solo'], { home });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/-- solo: skipped: another run of the task is going in a foreground run \(run \S+, pid \d+\)/);
    release(home);
    expect((await exitOf(first)).code).toBe(0);
    const solo = rows(home).filter((r) => r.task === 'solo');
    expect(solo.map((r) => r.status).sort()).toEqual(['skipped', 'success']);
    expect(solo.find((r) => r.status === 'skipped')?.reason).toContain(`run ${solo.find((r) => r.status === 'success')?.run_id}`);
  });

  it('of two foreground runs started at the same instant, exactly one runs', async () => {
    const home = makeHome({ tasks: [{ name: 'solo', command: waits }] });
    const runs = [spawnCli(['run', '--task', 'solo'], { home }), spawnCli(['run', '--task', 'solo'], { home })];
    const firstOut = await Promise.race(runs.map((run) => exitOf(run).then(() => run)));
    expect(firstOut.exitCode).toBe(0); // the skipped one ends at once; the other waits for release
    release(home);
    await Promise.all(runs.map(exitOf));
    expect(rows(home).map((r) => r.status).sort()).toEqual(['skipped', 'success']);
    expect(fs.readdirSync(home).filter((f) => f.startsWith('started-'))).toHaveLength(1);
  });

  it('a foreground run of a task the daemon runs is skipped, and the daemon skips its fire while a foreground run goes', async () => {
    const home = makeHome({ tasks: [{ name: 'busy', command: waits, schedule: '* * * * * *' }], settings: { http: { enabled: false } } }); // no API: run --task runs in its own process
    const daemon = startDaemon(home);
    await waitFor(() => running(home, 'busy').length === 1, 'the daemon to run the task');
    const manual = runCli(['run', '--task', 'busy'], { home });
    expect(manual.stdout).toMatch(/-- busy: skipped: another run of the task is going in the daemon \(run \S+, pid \d+\)/);
    release(home);
    await waitFor(() => rows(home).some((r) => r.task === 'busy' && r.status === 'success'), 'the daemon run to end');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);

    fs.rmSync(path.join(home, 'release'));
    const foreground = spawnCli(['run', '--task', 'busy'], { home });
    await waitFor(() => running(home, 'busy').length === 1, 'the foreground run');
    const again = startDaemon(home);
    await waitFor(() => rows(home).some((r) => r.task === 'busy' && r.status === 'skipped' && r.trigger === 'schedule' && /in a foreground run/.test(r.reason ?? '')), 'a fire skipped');
    expect(running(home, 'busy')).toHaveLength(1);
    release(home);
    expect((await exitOf(foreground)).code).toBe(0);
    again.kill('SIGTERM');
    expect((await exitOf(again)).code).toBe(0);
  });
});

describe('under concurrency_policy allow, two runs of one task at once', () => {
  it('each run has its own log: while they run, after, and when followed', async () => {
    const home = makeHome({ tasks: [{ name: 'both', command: chatty, concurrency_policy: 'allow' }] });
    const follower = spawnCli(['logs', '--task', 'both', '-f'], { home });
    const followed = output(follower);
    const a = spawnCli(['run', '--task', 'both'], { home });
    await waitFor(() => running(home, 'both').length === 1, 'the first run');
    const b = spawnCli(['run', '--task', 'both'], { home });
    await waitFor(() => running(home, 'both').length === 2, 'the second run');
    const [idA, idB] = running(home, 'both').map((r) => r.run_id) as [string, string];
    await waitFor(() => followed().includes(`${idA} line 2`) && followed().includes(`${idB} line 2`), 'logs -f to show both runs');

    const only = (runId: string, other: string) => {
      const shown = runCli(['logs', '--task', 'both', '--run', runId], { home });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`${runId} line 0`);
      expect(shown.stdout).not.toContain(other);
      return shown.stdout;
    };
    only(idA, idB); // A writes the task log
    only(idB, idA); // B, overlapping, writes its own file, found while it runs

    release(home);
    expect((await exitOf(a)).code).toBe(0);
    expect((await exitOf(b)).code).toBe(0);
    expect(only(idA, idB)).toContain(`${idA} end`);
    expect(only(idB, idA)).toContain(`${idB} end`);
    // The task log: two whole sections, each one run's lines only.
    const log = fs.readFileSync(path.join(home, 'logs/automation/both.log'), 'utf8');
    const sections = log.split(/^=== symphony-conductor /m).filter(Boolean);
    expect(sections.map((s) => /^run=(\S+)/.exec(s)?.[1])).toEqual([idA, idB]);
    for (const section of sections) {
      const id = /^run=(\S+)/.exec(section)?.[1] as string;
      expect(section.split('\n').slice(1).filter(Boolean).every((line) => line.startsWith(`${id} `))).toBe(true);
    }
    await waitFor(() => followed().includes(`${idA} end`) && followed().includes(`${idB} end`), 'logs -f to show both ends');
    follower.kill('SIGTERM');
    await exitOf(follower);
    const lines = followed().split('\n').filter((l) => l.startsWith(idA) || l.startsWith(idB));
    expect(new Set(lines).size).toBe(lines.length); // nothing printed twice when B's file joined the log
  });
});

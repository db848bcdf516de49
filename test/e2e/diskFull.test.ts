// A full disk, for real: the home is a 2 MiB tmpfs mounted in a private mount namespace
// (unshare -m, as root), filled up while the daemon runs. The daemon goes on scheduling (a task
// that frees space can run), holds what it cannot record and records it once there is room, says
// which file system is full, restarts on the full disk; `run --task` prints no stack trace.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, writeConfig } from '../helpers/cli.js';
import { exitOf, processAlive, waitFor } from '../helpers/wait.js';

/** Why this machine cannot run the test, or null: it needs root, unshare and nsenter, and tmpfs mounts. */
function cannotMount(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mount-probe-'));
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs '${dir}' && command -v nsenter`], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (probe.error) return `unshare: ${probe.error.message}`;
  return probe.status === 0 ? null : `cannot mount a tmpfs in a private mount namespace: ${probe.stderr.trim() || `exit ${probe.status}`}`;
}

const reason = cannotMount();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A home on a 2 MiB tmpfs seen only by processes in its mount namespace, kept alive by `holder`. */
async function homeOnTinyDisk(config: unknown) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-stage-'));
  writeConfig(stage, config);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-tiny-'));
  const holder = spawn('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=2m tmpfs '${home}' && cp -r '${stage}'/. '${home}'/ && echo ready && exec sleep 1000`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(holder);
  await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
  const inside = (args: string[]) => ['-t', String(holder.pid), '-m', '--', ...args];
  let output = '';
  return {
    home,
    /** The home as this process can read it: through the holder's view of the file system. */
    seen: `/proc/${holder.pid}/root${home}`,
    start(): ChildProcess & { output: () => string } {
      const daemon = spawn('nsenter', inside([process.execPath, cliPath, '--home', home, 'start']), { stdio: ['ignore', 'pipe', 'pipe'] });
      daemon.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      daemon.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      children.push(daemon);
      return Object.assign(daemon, { output: () => output });
    },
    run(args: string[]) {
      return spawnSync('nsenter', inside([process.execPath, cliPath, '--home', home, ...args]), { encoding: 'utf8', timeout: 30_000 });
    },
    /** The history as `history --json` prints it inside the namespace (SQLite resolves /proc/PID/root to our own /). */
    rows(): { run_id: string; task: string; status: string }[] {
      const result = this.run(['history', '--json', '--limit', '100000']);
      return result.status === 0 ? JSON.parse(result.stdout) : [];
    },
    fill() {
      spawnSync('nsenter', inside(['dd', 'if=/dev/zero', `of=${home}/filler`, 'bs=16k']), { encoding: 'utf8' });
      return execFileSync('nsenter', inside(['df', '--output=avail', home]), { encoding: 'utf8' }).trim().split('\n').at(-1)?.trim();
    },
  };
}

describe.skipIf(reason !== null)(`when the disk is full${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('the daemon goes on, records what it held once a task freed space, restarts on the full disk, and run --task says which file system is full', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-ticks-'));
    const ticks = path.join(outside, 'ticks');
    const ran = () => (fs.existsSync(ticks) ? fs.readFileSync(ticks, 'utf8').split('\n').filter(Boolean) : []);
    const disk = await homeOnTinyDisk({
      tasks: [
        { name: 'tick', command: `echo tock; echo $CONDUCTOR_RUN_ID >> '${ticks}'`, schedule: '* * * * * *' },
        { name: 'free', command: '[ -e free-now ] && rm -f filler; true', schedule: '* * * * * *' },
      ],
      // No HTTP API: `run --task` below runs in its own process, beside the daemon, on the full disk.
      settings: { http: { enabled: false } },
    });
    const first = disk.start();
    await waitFor(() => disk.rows().filter((r) => r.task === 'tick' && r.status === 'success').length >= 2, 'two ticks');
    expect(disk.fill()).toBe('0');
    const atFull = ran().length;
    await waitFor(() => ran().length >= atFull + 3, 'three ticks on the full disk');
    expect(processAlive(first.pid!)).toBe(true);
    await waitFor(() => /the file system at \S+ \(tmpfs, 0 B free of 2\.0 MiB\) is full/.test(first.output()), 'the daemon to say which file system is full');
    expect(first.output()).toContain(`the file system at ${disk.home} (tmpfs`);

    const manual = disk.run(['run', '--task', 'tick']);
    expect(manual.status).toBe(0);
    expect(manual.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(manual.stderr).toMatch(/is full/);

    first.kill('SIGKILL');
    await exitOf(first);
    const restartedAt = Date.now();
    const second = disk.start();
    // Run ids start with their second (20250602T020000Z-...): the first daemon's last tick may land after the kill.
    const secondsRuns = () => ran().filter((id) => Date.parse(id.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z-.*/, '$1-$2-$3T$4:$5:$6Z')) > restartedAt);
    await waitFor(() => secondsRuns().length >= 2, 'the restarted daemon to run tasks on the full disk');
    const heldRuns = secondsRuns();

    fs.writeFileSync(path.join(disk.seen, 'free-now'), '');
    await waitFor(() => second.output().includes('has room again'), 'the held writes to be recorded');
    const recorded = new Set(disk.rows().map((r) => r.run_id));
    for (const runId of heldRuns) expect(recorded).toContain(runId);
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  }, 90_000); // a daemon, a restart and a dozen CLI calls in a namespace: slow on a loaded machine

  it('run --task on a full disk, where the history cannot even be opened for writing, runs the task and says what it could not record', async () => {
    const disk = await homeOnTinyDisk({ tasks: [{ name: 'tick', command: 'echo tock' }] });
    expect(disk.run(['run', '--task', 'tick']).status).toBe(0); // the history exists, closed cleanly (no -wal, no -shm)
    expect(disk.fill()).toBe('0');
    const full = disk.run(['run', '--task', 'tick']);
    expect(full.status).toBe(0);
    expect(full.stdout).toMatch(/ok tick: succeeded/);
    expect(full.stderr).not.toMatch(/^\s+at /m);
    expect(full.stderr).toMatch(new RegExp(`cannot open the history ${disk.home}/status/conductor\\.db for writing: .*the file system at ${disk.home} \\(tmpfs, 0 B free of 2\\.0 MiB\\) is full`));
    expect(full.stderr).toMatch(/\d+ writes to the history .* could not be recorded: the file system at .* is full/);
  });
});

// Watched folders across restarts and crashes, with the real daemon: a restart in the middle of
// a burst runs every file exactly once; a crash re-runs only the files whose run it cut short;
// a run cut short by a shutdown leaves its file in place (UNSPECIFIED) and runs it again after
// the next start; 10,000 files at once are all processed with at most `workers` runs asked of
// the engine and the daemon's memory flat.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, repoRoot } from '../helpers/cli.js';
import { exitOf, waitFor } from '../helpers/wait.js';
import { fileRows, killDaemons, namesIn, query, records, startDaemon, statusFiles } from '../helpers/watch.js';

afterEach(killDaemons);

/** Writes `count` files into `dir` at once (staged, then renamed in). */
function burst(dir: string, count: number, prefix = 'f'): string[] {
  const stage = path.join(path.dirname(dir), 'stage');
  fs.mkdirSync(stage, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}.json`);
  for (const name of names) fs.writeFileSync(path.join(stage, name), `{"n": "${name}"}`);
  for (const name of names) fs.renameSync(path.join(stage, name), path.join(dir, name));
  return names;
}

/** How many times each name occurs. */
function tally(list: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of list) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

const RECORD = `printf '%s\\0' "$CONDUCTOR_FILE_NAME" >> "$CONDUCTOR_HOME/ran.bin"`;

describe('a watch task across restarts', () => {
  it('runs every file of a burst exactly once when the daemon is restarted in the middle of it', async () => {
    const home = makeHome({ tasks: [{ name: 'burst', command: `${RECORD}; sleep 0.05`, watch: { path: 'in', settle_ms: 0, workers: 4 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const first = startDaemon(home);
    await waitFor(() => /watching the folder/.test(first.output()), 'the daemon to watch');
    const names = burst(dir, 300);
    await waitFor(() => namesIn(path.join(dir, 'processed')).length >= 20, 'some files to be processed');
    first.kill('SIGTERM');
    expect((await exitOf(first)).code).toBe(0);
    const left = fileRows(home).filter((r) => r.state === 'pending').length + namesIn(dir).length;
    expect(left).toBeGreaterThan(0); // stopped in the middle
    expect(fileRows(home).filter((r) => r.state === 'running')).toEqual([]); // drained: nothing cut short

    const second = startDaemon(home);
    await waitFor(() => namesIn(path.join(dir, 'processed')).length === names.length, 'every file after the restart', 120_000);
    await waitFor(() => statusFiles(home, 'burst').length === names.length, 'every status file');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);

    const ran = tally(records(path.join(home, 'ran.bin')).map(String));
    expect([...ran.keys()].sort()).toEqual(names);
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
    expect(statusFiles(home, 'burst').every((s) => s.status === 'SUCCESS')).toBe(true);
    expect(query<{ n: number }>(home, "SELECT count(*) AS n FROM attempts WHERE trigger = 'watch' AND status = 'success'")[0]?.n).toBe(names.length);
  }, 180_000);

  it('after a crash (SIGKILL) runs again only the files whose run was cut short, each to one success', async () => {
    const home = makeHome({ tasks: [{ name: 'burst', command: `${RECORD}; sleep 0.2`, watch: { path: 'in', settle_ms: 0, workers: 4 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const first = startDaemon(home);
    await waitFor(() => /watching the folder/.test(first.output()), 'the daemon to watch');
    const names = burst(dir, 60);
    await waitFor(() => namesIn(path.join(dir, 'processed')).length >= 8 && fileRows(home).some((r) => r.state === 'running'), 'runs going');
    first.kill('SIGKILL');
    await exitOf(first);
    const cut = fileRows(home).filter((r) => r.state === 'running').map((r) => r.name.toString());
    expect(cut.length).toBeGreaterThan(0);

    const second = startDaemon(home);
    await waitFor(() => namesIn(path.join(dir, 'processed')).length === names.length, 'every file after the crash', 120_000);
    await waitFor(() => fileRows(home).every((r) => r.settled === 1) && statusFiles(home, 'burst').filter((s) => s.status === 'SUCCESS').length === names.length, 'every file dealt with');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);

    const successes = query<{ name: string; n: number }>(
      home,
      `SELECT json_extract(r.payload, '$.file.name') AS name, count(*) AS n FROM runs r WHERE r.trigger = 'watch' AND r.state = 'success' GROUP BY name`,
    );
    expect(successes.map((s) => s.name).sort()).toEqual(names);
    expect(successes.every((s) => s.n === 1)).toBe(true);
    const interrupted = query<{ name: string }>(home, `SELECT json_extract(payload, '$.file.name') AS name FROM runs WHERE trigger = 'watch' AND state = 'interrupted'`).map((r) => r.name);
    expect(interrupted.sort()).toEqual([...cut].sort());
    const unspecified = statusFiles(home, 'burst').filter((s) => s.status === 'UNSPECIFIED').map((s) => s.file);
    expect(unspecified.sort()).toEqual([...cut].sort());
    // A file ran twice only if its first run was cut short by the crash.
    const ran = tally(records(path.join(home, 'ran.bin')).map(String));
    for (const [name, n] of ran) expect(n === 1 || (n === 2 && cut.includes(name))).toBe(true);
  }, 180_000);

  it('leaves a file whose run a shutdown cut short where it is, UNSPECIFIED, and runs it after the next start', async () => {
    const home = makeHome({
      tasks: [{ name: 'slow', command: 'touch "$CONDUCTOR_HOME/started"; [ -e "$CONDUCTOR_HOME/fast" ] || sleep 30', kill_grace: 1, watch: { path: 'in', settle_ms: 0 } }],
      settings: { shutdown_timeout: 0.5 },
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'big.json'), '{}');
    const first = startDaemon(home);
    await waitFor(() => fs.existsSync(path.join(home, 'started')), 'the run to start');
    first.kill('SIGTERM');
    expect((await exitOf(first)).code).toBe(0);
    expect(namesIn(dir).map(String)).toEqual(['big.json']);
    expect(fileRows(home)[0]).toMatchObject({ state: 'pending' });
    const stopped = statusFiles(home, 'slow');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ file: 'big.json', status: 'UNSPECIFIED' });
    expect(stopped[0]?.message).toContain('runs again after the next start');

    fs.writeFileSync(path.join(home, 'fast'), '');
    const second = startDaemon(home);
    await waitFor(() => namesIn(path.join(dir, 'processed')).length === 1, 'the file to run again');
    await waitFor(() => statusFiles(home, 'slow').length === 2, 'its second status file');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
    expect(statusFiles(home, 'slow').map((s) => s.status).sort()).toEqual(['SUCCESS', 'UNSPECIFIED']);
  }, 60_000);
});

describe('10,000 files dropped at once', () => {
  it('are all processed, with at most `workers` runs asked of the engine and the memory flat', async () => {
    const home = makeHome({ tasks: [{ name: 'flood', command: 'true', watch: { path: 'in', settle_ms: 0, workers: 4, processed_dir: 'done', failed_dir: 'done' } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    // As the systemd unit runs it (a small young generation), plus bench/tools/memdump.mjs: every
    // 500 ms a full GC, then the heap still in use, which is what a leak would make grow.
    const dumps = path.join(home, 'memory.jsonl');
    const daemon = startDaemon(home, {
      NODE_OPTIONS: `--max-semi-space-size=1 --expose-gc --import ${path.join(repoRoot, 'bench', 'tools', 'memdump.mjs')}`,
      MEMDUMP_FILE: dumps,
      MEMDUMP_GC: '1',
      MEMDUMP_EVERY_MS: '500',
    });
    await waitFor(() => /watching the folder/.test(daemon.output()), 'the daemon to watch');
    const retained = () =>
      fs.existsSync(dumps) ? fs.readFileSync(dumps, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { heapUsed: number }).heapUsed) : [];
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${daemon.pid}/status`, 'utf8'))?.[1]) / 1024;
    const before = rss();
    const names = burst(dir, 10_000);
    let most = 0;
    let peak = before;
    let dumpsAtTwoThousand = -1;
    await waitFor(
      () => {
        peak = Math.max(peak, rss());
        most = Math.max(most, query<{ n: number }>(home, "SELECT count(*) AS n FROM runs WHERE trigger = 'watch' AND state IN ('queued', 'running', 'retrying')")[0]?.n ?? 0);
        const done = namesIn(path.join(home, 'done')).length;
        if (done >= 2000 && dumpsAtTwoThousand < 0) dumpsAtTwoThousand = retained().length;
        return done === names.length;
      },
      'every file',
      // Each file is a real run (a process, its rows, its own log file while runs overlap): on a
      // shared two-core machine running other test files at once this takes minutes.
      600_000,
    );
    const count = retained().length;
    await waitFor(() => retained().length > count, 'one more memory dump');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(most).toBeLessThanOrEqual(4);
    // The queue is names in SQLite, not runs in memory: the heap kept after the first 2,000 files
    // is what it keeps after all 10,000 (MB).
    const heap = retained();
    const atTwoThousand = heap[dumpsAtTwoThousand] ?? heap[0] ?? 0;
    expect(Math.max(...heap.slice(dumpsAtTwoThousand)) - atTwoThousand).toBeLessThan(3);
    expect(peak - before).toBeLessThan(60);
    expect(query<{ n: number }>(home, "SELECT count(*) AS n FROM watch_files WHERE state = 'done' AND settled = 1")[0]?.n).toBe(names.length);
    expect(query<{ n: number }>(home, "SELECT count(DISTINCT run_id) AS n FROM attempts WHERE trigger = 'watch' AND status = 'success'")[0]?.n).toBe(names.length);
  }, 660_000);
});

// Watched folders across restarts and crashes, with the real daemon: a restart in the middle of
// a burst runs every file exactly once; a crash re-runs only the files whose run it cut short;
// a run cut short by a shutdown leaves its file in place (UNSPECIFIED) and runs it again after
// the next start; 2,000 files at once are all processed once with at most `workers` runs asked
// of the engine (the memory of 10,000 at once is the bench's to measure).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
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

  it('after a crash that lost only the settled mark of moved files, writes no second status file for them', async () => {
    // The state a SIGKILL leaves in the 50 ms before a settled mark is committed (it rides along
    // with the next commit): file moved, status file written, row still unsettled.
    const home = makeHome({ tasks: [{ name: 'burst', command: RECORD, watch: { path: 'in', settle_ms: 0, workers: 2 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const first = startDaemon(home);
    await waitFor(() => /watching the folder/.test(first.output()), 'the daemon to watch');
    const names = burst(dir, 5);
    await waitFor(() => fileRows(home).filter((r) => r.settled === 1).length === names.length, 'every file settled');
    first.kill('SIGTERM');
    expect((await exitOf(first)).code).toBe(0);
    const db = new Database(path.join(home, 'status', 'conductor.db'));
    db.prepare('UPDATE watch_files SET settled = 0').run();
    db.close();

    const second = startDaemon(home);
    await waitFor(() => fileRows(home).every((r) => r.settled === 1), 'the rows settled again');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
    expect(statusFiles(home, 'burst').map((st) => `${st.file}:${st.status}`).sort()).toEqual(names.map((n) => `${n}:SUCCESS`));
    expect(namesIn(path.join(dir, 'processed')).map(String).sort()).toEqual(names);
    expect(records(path.join(home, 'ran.bin')).map(String).sort()).toEqual(names);
  }, 60_000);

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

describe('2,000 files dropped at once', () => {
  it('are all processed once, with at most `workers` runs asked of the engine (the rest wait as rows)', async () => {
    // More files than the 512 rows the watch keeps in memory, so the window refills from SQLite.
    // The memory of a 10,000-file burst is measured by the bench (`npm run bench -- watch`).
    const home = makeHome({ tasks: [{ name: 'flood', command: 'true', watch: { path: 'in', settle_ms: 0, workers: 4, processed_dir: 'done', failed_dir: 'done' } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    await waitFor(() => /watching the folder/.test(daemon.output()), 'the daemon to watch');
    const names = burst(dir, 2_000);
    let most = 0;
    await waitFor(
      () => {
        most = Math.max(most, query<{ n: number }>(home, "SELECT count(*) AS n FROM runs WHERE trigger = 'watch' AND state IN ('queued', 'running', 'retrying')")[0]?.n ?? 0);
        return namesIn(path.join(home, 'done')).length === names.length;
      },
      'every file',
      // Each file is a real run (a process, its rows, its own log file while runs overlap).
      300_000,
    );
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(most).toBeLessThanOrEqual(4);
    expect(query<{ n: number }>(home, "SELECT count(*) AS n FROM watch_files WHERE state = 'done' AND settled = 1")[0]?.n).toBe(names.length);
    expect(query<{ n: number }>(home, "SELECT count(DISTINCT run_id) AS n FROM attempts WHERE trigger = 'watch' AND status = 'success'")[0]?.n).toBe(names.length);
  }, 360_000);
});

// Watched files of a task with an approval gate, with the real daemon (spec/triggers.md,
// spec/workflow.md): a file's run that awaits approval does not hold a shutdown, survives the
// restart as the same waiting run (its file claimed, in place), and approving it then runs the
// file once; rejecting it, or no decision within the timeout, is the end of the file's one run:
// it fails for good (failed_dir, a FAILED status file naming why) and is never asked about again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';
import { dropFile, fileRows, killDaemons, namesIn, query, startDaemon, statusFiles, type Daemon } from '../helpers/watch.js';

afterEach(killDaemons);

const user = os.userInfo().username;

const statusOf = (home: string) => JSON.parse(runCli(['status', '--json'], { home }).stdout);

/** The exit of a daemon told SIGTERM, or 'still running' after `ms`. */
async function stopWithin(daemon: Daemon, ms: number): Promise<number | null | 'still running'> {
  daemon.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  const result = await Promise.race([exitOf(daemon).then((exit) => exit.code), late]);
  clearTimeout(timer);
  return result;
}

describe('a watched file whose run awaits approval', () => {
  it('does not hold SIGTERM (exit 0 at once); after the restart the same run waits, and approving it runs the file once', async () => {
    const home = makeHome({
      tasks: [{ name: 'gated', command: 'echo "$CONDUCTOR_FILE_NAME" >> ran.txt', approval: { timeout: 3600 }, watch: { path: 'in', settle_ms: 50 } }],
    });
    const folder = path.join(home, 'in');
    fs.mkdirSync(folder);
    const first = startDaemon(home);
    await waitFor(() => first.output().includes('watching the folder'), 'the daemon to watch');
    dropFile(folder, 'a.txt', 'a');
    const [waiting] = await waitFor(() => {
      const list = statusOf(home).awaiting_approval;
      return list.length === 1 && list;
    }, 'the file run to await approval');

    expect(await stopWithin(first, 10_000)).toBe(0);
    expect(namesIn(folder).map(String)).toEqual(['a.txt']);
    expect(fileRows(home, 'gated')).toMatchObject([{ state: 'running', run_id: waiting.run_id }]);
    expect(query(home, 'SELECT state FROM runs WHERE run_id = ?', waiting.run_id)).toEqual([{ state: 'awaiting_approval' }]);

    const second = startDaemon(home);
    await waitFor(() => second.output().includes('watching the folder'), 'the daemon to watch again');
    expect(statusOf(home).awaiting_approval).toEqual([expect.objectContaining({ run_id: waiting.run_id, task: 'gated' })]);
    const approved = runCli(['approve', '--run', waiting.run_id], { home });
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    await waitFor(() => statusFiles(home, 'gated').length === 1, 'the approved file to be processed');

    expect(fs.readFileSync(path.join(home, 'ran.txt'), 'utf8')).toBe('a.txt\n');
    expect(namesIn(folder).map(String)).toEqual([]);
    expect(namesIn(path.join(folder, 'processed')).map(String)).toEqual(['a.txt']);
    expect(statusFiles(home, 'gated')).toMatchObject([{ run_id: waiting.run_id, status: 'SUCCESS' }]);
    expect(query(home, 'SELECT run_id, state FROM runs')).toEqual([{ run_id: waiting.run_id, state: 'success' }]);
    expect(rows(home).map((r) => [r.run_id, r.status])).toEqual([[waiting.run_id, 'success']]);
    expect(statusOf(home).awaiting_approval).toEqual([]);
    expect(await stopWithin(second, 10_000)).toBe(0);
  });
});

/** A home with one gated watch task on `in` (made), and its daemon watching. */
/** Stops the daemon (exit 0), starts another, lets it look at the folder: no run asks for approval. */
async function restartAsksNothing(home: string, daemon: Daemon): Promise<void> {
  daemon.kill('SIGTERM');
  expect((await exitOf(daemon)).code).toBe(0);
  const again = startDaemon(home);
  await waitFor(() => again.output().includes('watching the folder'), 'the daemon to watch again');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(statusOf(home).awaiting_approval).toEqual([]);
}

async function gatedHome(approvalTimeout: number, watch: Record<string, unknown> = {}): Promise<{ home: string; folder: string; daemon: Daemon }> {
  const home = makeHome({
    tasks: [{ name: 'gated', command: 'echo "$CONDUCTOR_FILE_NAME" >> ran.txt', approval: { timeout: approvalTimeout }, watch: { path: 'in', settle_ms: 50, ...watch } }],
  });
  const folder = path.join(home, 'in');
  fs.mkdirSync(folder);
  const daemon = startDaemon(home);
  await waitFor(() => daemon.output().includes('watching the folder'), 'the daemon to watch');
  return { home, folder, daemon };
}

/** Drops a file and waits until its run awaits approval; returns the run id. */
async function dropAndAwait(home: string, folder: string, name: string): Promise<string> {
  dropFile(folder, name, name);
  return waitFor(() => {
    const runId = fileRows(home, 'gated').find((r) => String(r.name) === name)?.run_id;
    return runId && query(home, `SELECT 1 FROM runs WHERE run_id = ? AND state = 'awaiting_approval'`, runId).length === 1 && runId;
  }, `the run of ${name} to await approval`);
}

describe('a watched file whose approval is rejected, or times out', () => {
  it('fails for good: moved to failed/, a FAILED status file naming why, counted failed; a restart asks nothing again', async () => {
    const { home, folder, daemon } = await gatedHome(2);
    const rejected = await dropAndAwait(home, folder, 'r.txt');
    expect(runCli(['reject', '--run', rejected, '--comment', 'no'], { home }).code).toBe(0);
    const expired = await dropAndAwait(home, folder, 't.txt');
    await waitFor(() => statusFiles(home, 'gated').length === 2, 'both files to be dealt with');

    expect(namesIn(folder).map(String)).toEqual([]);
    expect(namesIn(path.join(folder, 'failed')).map(String).sort()).toEqual(['r.txt', 't.txt']);
    const byFile = new Map(statusFiles(home, 'gated').map((s) => [s.file, s]));
    expect(byFile.get('r.txt')).toMatchObject({ run_id: rejected, status: 'FAILED' });
    expect(byFile.get('r.txt')?.message).toContain(`rejected by ${user}: no`);
    expect(byFile.get('r.txt')?.message).toContain(`moved to ${path.join(folder, 'failed', 'r.txt')}`);
    expect(byFile.get('t.txt')).toMatchObject({ run_id: expired, status: 'FAILED' });
    expect(byFile.get('t.txt')?.message).toContain('approval timed out');
    expect(fileRows(home, 'gated').map((r) => r.state)).toEqual(['failed', 'failed']);
    expect(statusOf(home).tasks[0].watch).toEqual({ path: 'in', pending: 0, running: 0, processed: 0, failed: 2 });
    expect(fs.existsSync(path.join(home, 'ran.txt'))).toBe(false);

    await restartAsksNothing(home, daemon);
    expect(query(home, 'SELECT count(*) AS n FROM runs')).toEqual([{ n: 2 }]);
    expect(statusFiles(home, 'gated')).toHaveLength(2);
  });

  it('with failed_dir null, stays in place, FAILED, and is not asked about again after a restart', async () => {
    const { home, folder, daemon } = await gatedHome(3600, { failed_dir: null });
    const rejected = await dropAndAwait(home, folder, 'r.txt');
    expect(runCli(['reject', '--run', rejected, '--comment', 'no'], { home }).code).toBe(0);
    await waitFor(() => statusFiles(home, 'gated').length === 1, 'the file to be dealt with');
    expect(statusFiles(home, 'gated')[0]).toMatchObject({ run_id: rejected, status: 'FAILED', message: `skipped: rejected by ${user}: no` });
    expect(namesIn(folder).map(String)).toEqual(['r.txt']);
    expect(statusOf(home).tasks[0].watch).toMatchObject({ pending: 0, failed: 1 });

    await restartAsksNothing(home, daemon);
    expect(statusOf(home).tasks[0].watch).toMatchObject({ pending: 0, running: 0 });
    expect(query(home, 'SELECT run_id FROM runs')).toEqual([{ run_id: rejected }]);
    expect(namesIn(folder).map(String)).toEqual(['r.txt']);
    expect(statusFiles(home, 'gated')).toHaveLength(1);
  });

  it('that expired while the daemon was down fails at the next start, without asking again', async () => {
    const { home, folder, daemon } = await gatedHome(2);
    const waiting = await dropAndAwait(home, folder, 'late.txt');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    const deadline = query<{ deadline: number }>(home, 'SELECT deadline FROM runs WHERE run_id = ?', waiting)[0]?.deadline ?? 0;
    expect(deadline).toBeGreaterThan(0);
    await waitFor(() => Date.now() > deadline + 100, 'the approval to expire while the daemon is down');

    const again = startDaemon(home);
    await waitFor(() => statusFiles(home, 'gated').length === 1, 'the expired file to be dealt with');
    expect(statusFiles(home, 'gated')[0]).toMatchObject({ run_id: waiting, status: 'FAILED' });
    expect(statusFiles(home, 'gated')[0]?.message).toContain('approval timed out');
    expect(namesIn(path.join(folder, 'failed')).map(String)).toEqual(['late.txt']);
    expect(statusOf(home).awaiting_approval).toEqual([]);
    expect(query(home, 'SELECT run_id, state FROM runs')).toEqual([{ run_id: waiting, state: 'skipped' }]);
    again.kill('SIGTERM');
    expect((await exitOf(again)).code).toBe(0);
  });
});

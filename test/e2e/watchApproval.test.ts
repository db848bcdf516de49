// Watched files of a task with an approval gate, with the real daemon (spec/triggers.md,
// spec/workflow.md): a file's run that awaits approval does not hold a shutdown, survives the
// restart as the same waiting run (its file claimed, in place), and approving it then runs the
// file once.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';
import { dropFile, fileRows, killDaemons, namesIn, query, startDaemon, statusFiles, type Daemon } from '../helpers/watch.js';

afterEach(killDaemons);

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

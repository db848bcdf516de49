// A retry is not lost with the daemon: a run waiting to retry when the daemon stops (SIGTERM) or
// dies (kill -9) keeps its row `retrying` with the due time, and the next daemon runs the next
// attempt when it is due, as the same run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiOf, makeHome, spawnCli } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { query } from '../helpers/watch.js';
import { exitOf, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

// Fails on its first attempt, succeeds on the next (the count file survives the daemons).
const flaky = {
  name: 'flaky',
  command: 'n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count; [ "$n" -ge 1 ]',
  retry_count: 2,
  retry_delay: 4,
};

interface RunRow {
  run_id: string;
  state: string;
  attempts: number;
  deadline: number | null;
  reason: string | null;
}
interface AttemptRow {
  attempt: number;
  status: string;
  started_at: number;
  finished_at: number | null;
  reason: string | null;
}

const runsOf = (home: string) => query<RunRow>(home, "SELECT run_id, state, attempts, deadline, reason FROM runs WHERE task = 'flaky'");
const attemptsOf = (home: string, runId: string) =>
  query<AttemptRow>(home, 'SELECT attempt, status, started_at, finished_at, reason FROM attempts WHERE run_id = ? ORDER BY attempt', runId);

async function retryingAfterFirstAttempt(home: string) {
  const daemon = startDaemon(home);
  const api = await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
  const answer = await fetch(`${api.url}/api/v1/tasks/flaky/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` } });
  expect(answer.status).toBe(202);
  const { run_id } = (await answer.json()) as { run_id: string };
  await waitFor(() => runsOf(home).find((r) => r.run_id === run_id && r.state === 'retrying'), 'attempt 1 to fail and the run to wait to retry');
  return { daemon, runId: run_id };
}

describe.each([
  ['stops (SIGTERM)', 'SIGTERM'],
  ['is killed with -9', 'SIGKILL'],
] as const)('a run waiting to retry when the daemon %s', (_, signal) => {
  it('is resumed by the next daemon: the next attempt of the same run starts when it is due, and the run succeeds', async () => {
    const home = makeHome({ tasks: [flaky] });
    const { daemon, runId } = await retryingAfterFirstAttempt(home);
    daemon.kill(signal);
    const exit = await exitOf(daemon);
    if (signal === 'SIGTERM') expect(exit.code).toBe(0);

    const [left] = runsOf(home);
    const [first] = attemptsOf(home, runId);
    expect(left).toMatchObject({ run_id: runId, state: 'retrying', attempts: 1 });
    expect(first).toMatchObject({ attempt: 1, status: 'failed', reason: 'exit code 1' });
    expect(left!.deadline).toBe(first!.finished_at! + 4000);

    const second = startDaemon(home);
    await waitFor(() => runsOf(home).find((r) => r.run_id === runId && r.state === 'success'), 'the resumed run to succeed');
    const attempts = attemptsOf(home, runId);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    // Not before it was due (the clock is the same machine's).
    expect(attempts[1]!.started_at).toBeGreaterThanOrEqual(left!.deadline!);
    expect(runsOf(home)).toEqual([expect.objectContaining({ run_id: runId, state: 'success', attempts: 2 })]);
    const health = path.join(home, 'status', 'automation_health', 'flaky.health');
    await waitFor(() => fs.existsSync(health) && fs.readFileSync(health, 'utf8').startsWith('success:'), 'the health file to say success');
    expect(fs.readFileSync(health, 'utf8')).toMatch(/^success:.*:0\n?$/);
    expect(fs.readFileSync(path.join(home, 'count'), 'utf8').trim()).toBe('2');
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
  });
});

describe('`run --task` following a run that waits to retry when the daemon stops', () => {
  it('exits 3 saying the next daemon runs its retry (not that it records the run interrupted)', async () => {
    const home = makeHome({ tasks: [flaky] });
    const daemon = startDaemon(home);
    await waitFor(() => apiOf(home), 'the daemon to serve HTTP');
    const follower = spawnCli(['run', '--task', 'flaky'], { home });
    let stderr = '';
    follower.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => runsOf(home).find((r) => r.state === 'retrying'), 'attempt 1 to fail and the run to wait to retry');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect((await exitOf(follower)).code).toBe(3);
    expect(stderr).toMatch(/lost the daemon while following \S+ \(.*\): it stopped or died; a daemon started again runs its retry when it is due/);
  });
});

// A run waiting to retry in a cluster follows the lease: when its leader stops (SIGTERM, with its
// attempt still running or already between attempts) or dies (kill -9) the node that leads next
// runs the retry at its due time, once, and the node that left it never runs it again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { attempts, Cluster, nodeOf, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

/** A task whose first attempt waits for `go` (when `gate`) and fails; its retries succeed. Each attempt appends `run attempt home` to the ran file. */
function flaky(c: Cluster, gate: boolean): unknown {
  const wait = gate ? `while [ ! -e "${path.join(c.dir, 'go')}" ]; do sleep 0.05; done; ` : '';
  return {
    name: 'flaky',
    command: `echo "$CONDUCTOR_RUN_ID $CONDUCTOR_ATTEMPT $CONDUCTOR_HOME" >> "${c.ran}"; if [ "$CONDUCTOR_ATTEMPT" = 1 ]; then ${wait}exit 1; fi`,
    retry_count: 2,
    retry_delay: 3,
  };
}

async function runOn(home: string): Promise<string> {
  const api = await waitFor(() => apiOf(home), 'the leader to serve HTTP');
  const answer = await fetch(`${api.url}/api/v1/tasks/flaky/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` } });
  expect(answer.status).toBe(202);
  return ((await answer.json()) as { run_id: string }).run_id;
}

const ranLines = (c: Cluster) => (fs.existsSync(c.ran) ? fs.readFileSync(c.ran, 'utf8').split('\n').filter(Boolean) : []);
const rowsOf = (home: string, runId: string) => attempts(home).filter((r) => r.run_id === runId);

describe('a run waiting to retry when its leader goes', () => {
  it('stopped (SIGTERM) during its failing attempt: the attempt ends there, and the new leader runs the retry at its due time', async () => {
    cluster = await Cluster.start();
    const config = cluster.config([flaky(cluster, true)], {}, { http: { port: 0 }, shutdown_timeout: 60 });
    const { homeA, homeB, a } = await cluster.leaderAndStandby(config);
    const runId = await runOn(homeA);
    await waitFor(() => ranLines(cluster as Cluster).length === 1, 'attempt 1 to start on a');

    // a hands the lease over and drains; b leads; only then does attempt 1 fail (on a).
    a.child.kill('SIGTERM');
    await waitForRole(homeB, 'leader');
    fs.writeFileSync(path.join(cluster.dir, 'go'), '');
    expect((await exitOf(a.child)).code).toBe(0);

    const [first, second] = await waitFor(() => {
      const rows = rowsOf(homeB, runId);
      return rows.length === 2 && rows[1]?.status === 'success' && rows;
    }, 'the retry to run on b');
    expect(ranLines(cluster)).toEqual([`${runId} 1 ${homeA}`, `${runId} 2 ${homeB}`]);
    // The run is b's own now, its first attempt included (b publishes it whole from here on).
    expect(first).toMatchObject({ attempt: 1, status: 'failed', node: null });
    expect(second).toMatchObject({ attempt: 2, status: 'success', node: null });
    // At its due time (retry_delay 3 s after the failure), not before.
    expect(second?.started_at).toBeGreaterThanOrEqual((first?.finished_at as number) + 3000);
  }, 90_000);

  it('killed (kill -9) between attempts: the new leader runs the retry once; the old node, back and leading again, does not run it again', async () => {
    cluster = await Cluster.start();
    const config = cluster.config([{ ...(flaky(cluster, false) as object), retry_delay: 5 }], {}, { http: { port: 0 } });
    const { homeA, homeB, a, b } = await cluster.leaderAndStandby(config);
    const runId = await runOn(homeA);
    // Attempt 1 failed on a and b's history has the run waiting to retry: a dies.
    await waitFor(() => rowsOf(homeB, runId)[0]?.status === 'failed', 'attempt 1 in b\'s history');
    a.child.kill('SIGKILL');
    await exitOf(a.child);

    await waitForRole(homeB, 'leader', 30_000);
    await waitFor(() => rowsOf(homeB, runId)[1]?.status === 'success', 'the retry to run on b', 30_000);
    expect(ranLines(cluster)).toEqual([`${runId} 1 ${homeA}`, `${runId} 2 ${homeB}`]);

    // a comes back: it learns that b took the run over, and leading again it does not retry it.
    const a2 = cluster.start(homeA);
    await waitFor(() => roleOf(homeA).role === 'standby' && roleOf(homeA).leader === nodeOf(homeB), 'a to stand by for b');
    await waitFor(() => rowsOf(homeA, runId)[1]?.status === 'success', "b's retry in a's history");
    b.child.kill('SIGTERM');
    expect((await exitOf(b.child)).code).toBe(0);
    await waitForRole(homeA, 'leader');
    await new Promise((resolve) => setTimeout(resolve, 6000)); // past the retry's due time, had a kept it
    expect(ranLines(cluster)).toEqual([`${runId} 1 ${homeA}`, `${runId} 2 ${homeB}`]);
    expect(rowsOf(homeA, runId).map((r) => `${r.attempt} ${r.status} ${r.node}`)).toEqual([`1 failed ${nodeOf(homeB)}`, `2 success ${nodeOf(homeB)}`]);
    a2.child.kill('SIGTERM');
    expect((await exitOf(a2.child)).code).toBe(0);
  }, 120_000);
});

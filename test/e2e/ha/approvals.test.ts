// A run awaiting approval in a cluster follows the lease through a rolling restart: the node that
// leads takes it over, whoever had it before (a leader that took it over and then stopped holds
// nothing), and it is approved there and runs once.
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, runCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { Cluster, nodeOf, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('a run awaiting approval through two hand-overs', () => {
  it('is taken over by each new leader, and approved on the last one it runs once', async () => {
    cluster = await Cluster.start();
    const config = cluster.config(
      [{ name: 'gate', command: `echo "$CONDUCTOR_RUN_ID" >> ${cluster.ran}`, approval: { timeout: 600, message: 'check first' } }],
      {},
      { http: { port: 0 } },
    );
    const { homeA, homeB, a, b } = await cluster.leaderAndStandby(config);
    const api = await waitFor(() => apiOf(homeA), 'a to serve HTTP');
    const asked = await fetch(`${api.url}/api/v1/tasks/gate/run`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` } });
    const { run_id: runId, status } = (await asked.json()) as { run_id: string; status: string };
    expect(status).toBe('awaiting_approval');

    // a stops: b leads and takes the run over.
    a.child.kill('SIGTERM');
    expect((await exitOf(a.child)).code).toBe(0);
    await waitForRole(homeB, 'leader');
    const awaitingOn = (home: string) => JSON.parse(runCli(['status', '--json'], { home }).stdout).awaiting_approval.map((r: { run_id: string }) => r.run_id);
    await waitFor(() => awaitingOn(homeB).includes(runId), 'b to list the run');

    // a comes back as a standby, then b stops: a leads again and takes the run back.
    const a2 = cluster.start(homeA);
    await waitFor(() => roleOf(homeA).role === 'standby' && roleOf(homeA).leader === nodeOf(homeB), 'a to stand by for b');
    b.child.kill('SIGTERM');
    expect((await exitOf(b.child)).code).toBe(0);
    await waitForRole(homeA, 'leader');
    await waitFor(() => awaitingOn(homeA).includes(runId), 'a to list the run again');
    const approved = runCli(['approve', '--run', runId], { home: homeA });
    expect(approved.code, approved.stderr).toBe(0);
    await waitFor(() => cluster?.ranIds().includes(runId), 'the approved run to run');
    expect(cluster.ranIds()).toEqual([runId]);
    a2.child.kill('SIGTERM');
    expect((await exitOf(a2.child)).code).toBe(0);
  }, 120_000);
});

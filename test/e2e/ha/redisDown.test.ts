// The cluster's Redis stopped under a running cluster: no node can fire, so none may say it is
// fine. Every node's GET /health is 503 `degraded` naming the cluster Redis and the error,
// `status` says the node is not connected (and names no leader it cannot know), and the log says
// so; all of it clears once Redis is back. A standby that reaches Redis and a live leader is ok.
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, runCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { Cluster, nodeOf, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

type Daemon = { role: string; leader: string | null; cluster?: { connected: boolean; reason: string | null } };
const daemonOf = (home: string) => (JSON.parse(runCli(['status', '--json'], { home }).stdout) as { daemon: Daemon }).daemon;
const health = async (home: string) => {
  const api = apiOf(home) as { url: string };
  const response = await fetch(`${api.url}/health`);
  return { code: response.status, body: (await response.json()) as { status: string; reason?: string; role: string; leader: string | null } };
};

describe("when the cluster's Redis is unreachable", () => {
  it('every node answers /health 503 degraded naming it, status says not connected with no stale leader, until it is back', async () => {
    cluster = await Cluster.start();
    const config = cluster.config(
      [{ name: 'every1', schedule: '* * * * * *', env: { RAN: cluster.ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' }],
      { lease_seconds: 4 },
      { http: { enabled: true, port: 0 } },
    );
    const { homeA, homeB, a, b } = await cluster.leaderAndStandby(config);
    await waitFor(() => apiOf(homeB), "b's API");

    // Reachable, with a live leader: both ok, both connected.
    await waitFor(async () => (await health(homeB)).body.leader === nodeOf(homeA), "b's health to name a");
    expect(await health(homeB)).toMatchObject({ code: 200, body: { status: 'ok', role: 'standby', leader: nodeOf(homeA) } });
    expect(await health(homeA)).toMatchObject({ code: 200, body: { status: 'ok', role: 'leader' } });
    expect(daemonOf(homeB)).toMatchObject({ role: 'standby', leader: nodeOf(homeA), cluster: { connected: true, reason: null } });

    await cluster.redis.down();
    const reason = new RegExp(`^cluster Redis unreachable at redis://127\\.0\\.0\\.1:${cluster.redis.port}/0: connect ECONNREFUSED 127\\.0\\.0\\.1:${cluster.redis.port}$`);
    for (const home of [homeA, homeB]) {
      // (The connection was closed first; its reconnections are then refused.)
      const down = await waitFor(async () => {
        const answer = await health(home);
        return answer.code === 503 && reason.test(answer.body.reason ?? '') && answer;
      }, `${home}'s /health to say it is degraded, and why`, 15_000);
      expect(down.body).toMatchObject({ status: 'degraded', reason: expect.stringMatching(reason) });
    }
    // The standby cannot read the lease: it names no leader rather than the one it heard of before.
    const standby = await waitFor(() => {
      const daemon = daemonOf(homeB);
      return reason.test(daemon.cluster?.reason ?? '') && daemon;
    }, "b's status to say it is not connected");
    expect(standby).toMatchObject({ role: 'standby', leader: null, cluster: { connected: false, reason: expect.stringMatching(reason) } });
    expect((await health(homeB)).body.leader).toBeNull();
    // The leader stops firing once its lease runs out on its own clock; its status says why too.
    await waitForRole(homeA, 'standby', 15_000);
    expect(daemonOf(homeA)).toMatchObject({ role: 'standby', leader: null, cluster: { connected: false, reason: expect.stringMatching(reason) } });
    for (const node of [a, b]) expect(node.output()).toMatch(/warn: cluster Redis unreachable at redis:\/\/127\.0\.0\.1:\d+\/0: connect ECONNREFUSED/);

    await cluster.redis.up();
    for (const home of [homeA, homeB]) {
      await waitFor(async () => (await health(home)).code === 200, `${home}'s /health to be ok again`, 20_000);
      await waitFor(() => daemonOf(home).cluster?.connected === true, `${home}'s status to say it is connected again`);
    }
    await waitFor(() => [homeA, homeB].some((home) => roleOf(home).role === 'leader'), 'a leader once Redis is back', 20_000);
    for (const node of [a, b]) expect(node.output()).toMatch(/the cluster Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is reachable again/);

    for (const node of [a, b]) node.child.kill('SIGTERM');
    for (const node of [a, b]) expect((await exitOf(node.child)).code).toBe(0);
  }, 90_000);
});

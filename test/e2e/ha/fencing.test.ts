// A leader frozen (SIGSTOP) for longer than its lease, then woken (SIGCONT): a standby took over
// meanwhile, and the old leader must not fire again, not even the fires that came due while it
// was frozen (its timers all run at once when it wakes): it steps down on its own clock, and
// Redis refuses its claims (fencing). Each node's HTTP API says its role; a standby refuses writes
// (503) naming the leader and its URL; a task paused on the leader stays paused after the failover.
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { attempts, Cluster, nodeOf, ownFires, repeated, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('when the leader is frozen (SIGSTOP) for longer than its lease, then woken', () => {
  it('the standby takes over, and the woken leader stands by without firing again', async () => {
    cluster = await Cluster.start();
    const config = cluster.config(
      [
        { name: 'tick', schedule: '* * * * * *', concurrency_policy: 'allow', env: { RAN: cluster.ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' },
        { name: 'held', schedule: '* * * * * *', command: 'true' },
      ],
      { lease_seconds: 4 },
      { http: { enabled: true, port: 0 } },
    );
    const { homeA, homeB, a, b } = await cluster.leaderAndStandby(config);
    await waitFor(() => ownFires(homeA, 'tick').length >= 2, 'fires on a');
    const apiA = await waitFor(() => apiOf(homeA), "a's API");
    const apiB = await waitFor(() => apiOf(homeB), "b's API");
    const call = (api: { url: string; token: string }, route: string, method = 'GET') =>
      fetch(`${api.url}${route}`, { method, headers: { authorization: `Bearer ${api.token}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    // A healthy standby is healthy; it serves reads, and refuses writes naming the leader.
    await waitFor(async () => (await call(apiB, '/health')).body.leader === nodeOf(homeA), "b's health to name a");
    expect(await call(apiB, '/health')).toMatchObject({ status: 200, body: { status: 'ok', role: 'standby', leader: nodeOf(homeA) } });
    expect(await call(apiA, '/health')).toMatchObject({ status: 200, body: { status: 'ok', role: 'leader', leader: nodeOf(homeA) } });
    expect((await call(apiB, '/api/v1/status')).body.daemon).toMatchObject({ role: 'standby', leader: nodeOf(homeA) });
    const refused = await call(apiB, '/api/v1/tasks/tick/run', 'POST');
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'standby', leader: nodeOf(homeA), leader_url: apiA.url } } });
    expect(refused.body.error.message).toBe(`this node (${nodeOf(homeB)}) is a standby of its cluster and takes no writes: send it to the leader, ${nodeOf(homeA)} (${apiA.url})`);
    expect((await call(apiA, '/api/v1/tasks/tick/run', 'POST')).status).toBe(202);
    expect((await call(apiA, '/api/v1/tasks/held/pause', 'POST')).status).toBe(200);
    await waitFor(async () => (await call(apiB, '/api/v1/status')).body.tasks.find((t: { name: string }) => t.name === 'held')?.paused === true, 'the pause to reach b');

    a.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    await waitForRole(homeB, 'leader', 20_000);
    // Frozen for more than twice the lease by the time it wakes.
    await waitFor(() => ownFires(homeB, 'tick').filter((at) => at > frozenAt).length >= 6, 'fires on b while a is frozen');
    const wokenAt = Date.now();
    a.child.kill('SIGCONT');
    await waitFor(() => roleOf(homeA).role === 'standby' && roleOf(homeA).leader === nodeOf(homeB), 'a to stand by for b');
    await waitFor(() => ownFires(homeB, 'tick').filter((at) => at > wokenAt).length >= 3, 'fires on b after a woke');
    expect((await call(apiA, '/api/v1/tasks/tick/run', 'POST')).body.error).toMatchObject({ code: 'standby', leader: nodeOf(homeB) });

    // The task paused on a is paused on b: its fires there are recorded skipped, none ran.
    const heldOnB = attempts(homeB).filter((r) => r.node === null && r.task === 'held');
    expect(heldOnB.length).toBeGreaterThan(0);
    expect(heldOnB.every((r) => r.status === 'skipped' && r.reason === 'paused')).toBe(true);
    // a started nothing after it woke, though a dozen fires had come due on its clock.
    const lateOnA = attempts(homeA).filter((r) => r.node === null && r.started_at >= wokenAt);
    expect(lateOnA).toEqual([]);
    expect(a.output()).toMatch(/this node stands by now: the lease was not confirmed for \d+ ms/);
    const fires = [...ownFires(homeA, 'tick'), ...ownFires(homeB, 'tick')];
    expect(repeated(fires)).toEqual([]);
    const ran = cluster.ranIds();
    expect(new Set(ran).size).toBe(ran.length);

    for (const node of [a, b]) node.child.kill('SIGTERM');
    for (const node of [a, b]) expect((await exitOf(node.child)).code).toBe(0);
  }, 90_000);
});

// kill -9 of the leader of a two-node cluster during a `* * * * * *` schedule, with the default
// lease: the standby takes over within 15 s, every fire runs exactly once across both homes, the
// only gaps are the failover windows, and both homes end up with the same history (the dead
// leader's run in flight settled by the new leader, then replaced by its own word on its return).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { exitOf, processAlive, waitFor } from '../../helpers/wait.js';
import { attempts, Cluster, gaps, historyOf, nodeOf, ownFires, repeated, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('when the leader is killed (kill -9) mid-schedule', () => {
  it('the standby takes over within 15 s; each fire runs once across both homes; both keep the same history', async () => {
    cluster = await Cluster.start();
    const config = cluster.config([
      { name: 'tick', schedule: '* * * * * *', concurrency_policy: 'allow', env: { RAN: cluster.ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' },
      { name: 'slow', schedule: '*/3 * * * * *', command: 'echo $$ > "$DIR/slow-$CONDUCTOR_RUN_ID.pid"; exec sleep 120', env: { DIR: cluster.dir } },
    ]);
    const homeA = cluster.home(config);
    const homeB = cluster.home(config);
    const a = cluster.start(homeA);
    await waitForRole(homeA, 'leader');
    const slowA = await waitFor(() => attempts(homeA).find((r) => r.task === 'slow' && r.status === 'running'), 'a slow run on a');
    const b = cluster.start(homeB);
    await waitFor(() => roleOf(homeB).role === 'standby' && roleOf(homeB).leader === nodeOf(homeA), 'b to stand by for a');
    // b's history follows a's: a's run in flight is there, running.
    await waitFor(() => attempts(homeB).find((r) => r.run_id === slowA.run_id && r.status === 'running'), "a's running run in b's history");
    await waitFor(() => ownFires(homeA, 'tick').length >= 3, 'a few fires on a');

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await exitOf(a.child);
    await waitForRole(homeB, 'leader', 30_000);
    await waitFor(() => ownFires(homeB, 'tick').length >= 3, 'fires on b');
    // The dead leader's run in flight: b cannot stop its process on a's host, and says so.
    const settled = attempts(homeB).find((r) => r.run_id === slowA.run_id);
    expect(settled?.status).toBe('interrupted');
    expect(settled?.reason).toBe(`interrupted: the node ${nodeOf(homeA)} that ran it lost the lease (${nodeOf(homeB)} leads now); its processes there, if any, were not stopped from here`);

    // a comes back: it stands by, stops its orphaned process, and its own word replaces b's.
    const a2 = cluster.start(homeA);
    await waitFor(() => roleOf(homeA).role === 'standby' && roleOf(homeA).leader === nodeOf(homeB), 'a to stand by for b');
    const ownWord = await waitFor(
      () => attempts(homeB).find((r) => r.run_id === slowA.run_id && r.reason?.startsWith('the conductor (pid')),
      "a's recovery of its run in b's history",
    );
    expect(ownWord.status).toBe('interrupted');
    const slowPid = Number(fs.readFileSync(`${cluster.dir}/slow-${slowA.run_id}.pid`, 'utf8'));
    await waitFor(() => !processAlive(slowPid) || null, 'the orphaned process of a to be stopped by a itself');
    // Both homes show the same history (rows of the last seconds may still be on their way).
    const cutoff = Date.now() - 1500;
    const before = (home: string) => historyOf(home).filter((line) => Number(line.split(' ')[4]) < cutoff);
    await waitFor(() => JSON.stringify(before(homeA)) === JSON.stringify(before(homeB)), 'a and b to agree on the history');

    // A graceful stop hands the lease over at once.
    const stoppedAt = Date.now();
    b.child.kill('SIGTERM');
    expect((await exitOf(b.child)).code).toBe(0);
    await waitForRole(homeA, 'leader', 15_000);
    const afterHandover = ownFires(homeA, 'tick').filter((at) => at > stoppedAt).length;
    await waitFor(() => ownFires(homeA, 'tick').filter((at) => at > stoppedAt).length >= afterHandover + 2, 'fires on a again');
    a2.child.kill('SIGTERM');
    expect((await exitOf(a2.child)).code).toBe(0);

    const fires = [...ownFires(homeA, 'tick'), ...ownFires(homeB, 'tick')];
    expect(repeated(fires)).toEqual([]);
    const holes = gaps(fires);
    // Two failovers, two holes at most: the kill (lease 10 s, then the standby's poll) and the handover.
    expect(holes.length).toBeLessThanOrEqual(2);
    const killHole = holes.find(([from, to]) => from <= killedAt && killedAt <= to);
    expect(killHole).toBeDefined();
    const [from, to] = killHole as [number, number];
    expect(to - from).toBeLessThanOrEqual(16_000); // taken over within 15 s (fires are a second apart)
    for (const [holeFrom, holeTo] of holes) expect((holeFrom <= killedAt && killedAt <= holeTo) || (holeFrom <= stoppedAt + 1000 && stoppedAt - 1000 <= holeTo)).toBe(true);
    // What really ran: each run once, and each run one fire of the history. A fire whose row a
    // committed just before the kill may have had its shell stopped (a's spawn helper stops its
    // groups when a dies) before the echo: that run is in the history, interrupted, and not in
    // RAN. Only such a run may be missing, and only one: the fire in flight at the kill.
    const ran = cluster.ranIds();
    expect(new Set(ran).size).toBe(ran.length);
    const tickRuns = [...attempts(homeA), ...attempts(homeB)].filter((r) => r.node === null && r.task === 'tick' && r.status !== 'skipped');
    const historyIds = new Set(tickRuns.map((r) => r.run_id));
    expect(ran.filter((id) => !historyIds.has(id))).toEqual([]);
    const ranIds = new Set(ran);
    const notRan = tickRuns.filter((r) => !ranIds.has(r.run_id));
    expect(notRan.length).toBeLessThanOrEqual(1);
    for (const run of notRan) {
      expect(run.status).toBe('interrupted');
      expect(Math.abs(run.started_at - killedAt)).toBeLessThan(2000);
    }
    console.log(`failover: kill -9 at ${new Date(killedAt).toISOString()}, fires ${new Date(from).toISOString()} then ${new Date(to).toISOString()} (${(to - from) / 1000} s); ${fires.length} fires once each`);
  }, 120_000);
});

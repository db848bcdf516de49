// Redis stopped under a running cluster and started again (its append-only file kept): the
// leader stops firing before its lease could expire (no fire is claimed while Redis is away),
// a leader fires again once Redis is back, nothing runs twice; then a third node started late
// fills its history in from the stream and shows the same history and status.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { exitOf, waitFor } from '../../helpers/wait.js';
import { attempts, Cluster, gaps, historyOf, nodeOf, ownFires, repeated, roleOf, waitForRole } from './cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

const leaderOf = (homes: string[]) => homes.find((home) => roleOf(home).role === 'leader') ?? null;

describe('when Redis restarts under a running cluster, and a third node starts late', () => {
  it('no fire runs while Redis is away or twice after; the late node gets the whole history', async () => {
    cluster = await Cluster.start();
    const config = cluster.config(
      [
        { name: 'tick', schedule: '* * * * * *', concurrency_policy: 'allow', env: { RAN: cluster.ran }, command: 'echo "$CONDUCTOR_RUN_ID" >> "$RAN"' },
        { name: 'fails', schedule: '*/2 * * * * *', command: 'exit 3' },
      ],
      { lease_seconds: 4 },
    );
    const homes = [cluster.home(config), cluster.home(config)];
    const nodes = homes.map((home) => cluster?.start(home));
    await waitFor(() => leaderOf(homes), 'a leader');
    const first = leaderOf(homes) as string;
    await waitFor(() => ownFires(first, 'tick').length >= 2, 'fires on the leader');

    const downAt = Date.now();
    await cluster.redis.down();
    // The leader stops firing on its own clock (its lease can no longer be confirmed).
    await waitForRole(first, 'standby', 15_000);
    const standbyAt = Date.now();
    const firedWhileDown = () => homes.flatMap((home) => ownFires(home, 'tick')).filter((at) => at > downAt + 1000);
    await cluster.redis.up();
    const upAt = Date.now();
    expect(firedWhileDown().filter((at) => at < standbyAt)).toEqual([]);
    await waitFor(() => leaderOf(homes), 'a leader once Redis is back', 20_000);
    const second = leaderOf(homes) as string;
    await waitFor(() => ownFires(second, 'tick').filter((at) => at > upAt).length >= 2, 'fires after Redis is back');

    // A third node, started late on an empty home, catches up from the stream.
    const lateHome = cluster.home(config);
    const joinedAt = Date.now();
    const late = cluster.start(lateHome);
    await waitFor(() => roleOf(lateHome).role === 'standby' && roleOf(lateHome).leader === nodeOf(second), 'the late node to stand by');
    const before = (home: string) => historyOf(home).filter((line) => Number(line.split(' ')[4]) < joinedAt);
    await waitFor(() => before(lateHome).length > 0 && JSON.stringify(before(lateHome)) === JSON.stringify(before(second)), "the late node's history to fill in");
    expect(before(lateHome)).toEqual(before(homes.find((h) => h !== second) as string));
    // Its status agrees with the leader's: last runs and health files of every task.
    const status = (home: string) => JSON.parse(runCli(['status', '--json'], { home }).stdout) as {
      daemon: { role: string; leader: string };
      tasks: { name: string; health: { status: string } | null; last_run: { status: string } | null }[];
    };
    const lateStatus = status(lateHome);
    expect(lateStatus.daemon).toMatchObject({ role: 'standby', leader: nodeOf(second) });
    expect(lateStatus.tasks.find((t) => t.name === 'fails')).toMatchObject({ health: { status: 'failed' }, last_run: { status: 'failed' } });
    expect(status(second).daemon).toMatchObject({ role: 'leader', leader: nodeOf(second) });

    for (const node of [...nodes, late]) node?.child.kill('SIGTERM');
    for (const node of [...nodes, late]) expect((await exitOf(node?.child as NonNullable<typeof node>['child'])).code).toBe(0);
    const fires = homes.flatMap((home) => ownFires(home, 'tick'));
    expect(repeated(fires)).toEqual([]);
    expect(ownFires(lateHome, 'tick')).toEqual([]);
    // The one hole is the outage, from before Redis went down to after it came back.
    const holes = gaps(fires);
    expect(holes.length).toBe(1);
    expect(holes[0]?.[0]).toBeLessThanOrEqual(standbyAt);
    expect(holes[0]?.[1]).toBeGreaterThanOrEqual(upAt - 1000);
    const ran = cluster.ranIds();
    expect(new Set(ran).size).toBe(ran.length);
    expect(attempts(lateHome).every((r) => r.node !== null)).toBe(true);
  }, 120_000);
});

// The cluster node's fire gate on a fake clock, over a cluster store whose answers the test
// holds back: nothing is let through unless the lease holds locally both before the claim goes
// out and when its answer comes back; a fenced claim runs nothing; a failed claim is retried
// while the lease holds.
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterNode } from '../../../src/app/ha/clusterNode.js';
import { PauseSync } from '../../../src/app/ha/pauseSync.js';
import type { Follower } from '../../../src/app/ha/replication.js';
import { withDefaults } from '../../../src/core/config/defaults.js';
import type { DueFire } from '../../../src/engine/cronSource.js';
import { Scheduler } from '../../../src/engine/scheduler.js';
import type { ClusterStore, FireClaim } from '../../../src/ports/cluster.js';
import type { ReplicaStore } from '../../../src/ports/replica.js';
import { fakeEngine } from '../../fakes/engineContext.js';

const LEASE = '1|n0nce|a';

/** A cluster store that grants the lease at once and lets the test answer claims. */
function fakeCluster() {
  const claims: { fires: readonly FireClaim[]; answer: (value: boolean[] | null | Error) => void }[] = [];
  const store: Partial<ClusterStore> = {
    acquire: async () => ({ kind: 'acquired', lease: LEASE }),
    renew: async () => ({ kind: 'renewed' }),
    release: async () => {},
    beat: async () => {},
    nodes: async () => [],
    pauses: async () => null,
    setPauses: async () => true,
    forget: async () => {},
    connection: () => ({ up: true, error: null }),
    claimFires: (_lease, fires) =>
      new Promise((resolve, reject) => claims.push({ fires, answer: (v) => (v instanceof Error ? reject(v) : resolve(v)) })),
  };
  return { store: store as ClusterStore, claims };
}

const nodes: ClusterNode[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    await node.handOver();
    await node.leave();
  }
});

/** Waits (on real time: the node's retry timer is a real one) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Node `a` over `store` and `replica` on a fake engine, started (its first tick asks for the lease). */
function startNode(store: ClusterStore, replica: ReplicaStore) {
  const engine = fakeEngine('2025-06-01T02:00:00Z');
  const node = new ClusterNode({
    node: 'a',
    leaseSeconds: 10,
    redis: 'redis://127.0.0.1:6379/0',
    cluster: store,
    replica,
    follower: { caughtUp: true, onApplied: () => {} } as unknown as Follower,
    clock: engine.clock,
    logger: engine.ctx.logger,
    info: { node: 'a', host: 'h', home: '/srv', pid: 1, machine: 'm', since: 0, version: 'test' },
    url: () => null,
    takeOver: async () => [],
    pauses: new PauseSync(() => null, () => engine.ctx.store, store),
  });
  nodes.push(node);
  const config = withDefaults({ tasks: [{ name: 't', command: 'true', schedule: '* * * * * *' }], settings: { timezone: 'UTC' } });
  node.start(new Scheduler(engine.ctx, config, { gate: node }));
  return { node, engine };
}

async function leadingNode() {
  const { store, claims } = fakeCluster();
  const replica = { setRole: () => {}, setClusterTrouble: () => {}, foreignRetries: () => [] } as unknown as ReplicaStore;
  const { node, engine } = startNode(store, replica);
  // The first tick asked for the lease; the answer and the takeover settle in a few turns.
  for (let i = 0; i < 20 && node.role() !== 'leader'; i++) await engine.clock.settle();
  expect(node.role()).toBe('leader');
  return { node, claims, clock: engine.clock };
}

const fire = (fireAt: number): DueFire => ({ task: 't', fireAt, deadline: null, order: 0, trigger: 'schedule' });

describe('the fire gate of a leading node', () => {
  it('lets through the fires Redis claimed for it, and only those', async () => {
    const { node, claims } = await leadingNode();
    const asked = node.claim([fire(1000), fire(2000)]);
    expect(claims[0]?.fires).toEqual([{ task: 't', fireAt: 1000 }, { task: 't', fireAt: 2000 }]);
    claims[0]?.answer([false, true]);
    expect((await asked).map((f) => f.fireAt)).toEqual([2000]);
  });

  it('runs nothing when the claim is answered after the lease ran out locally (Redis was slow)', async () => {
    const { node, claims, clock } = await leadingNode();
    const asked = node.claim([fire(1000)]);
    await clock.advanceBlocked(9000); // no renewal confirmed for 9 s: past lease - margin (8 s)
    claims[0]?.answer([true]);
    expect(await asked).toEqual([]);
  });

  it('runs nothing when Redis refuses the claim for a lease that moved on (fenced)', async () => {
    const { node, claims } = await leadingNode();
    const asked = node.claim([fire(1000)]);
    claims[0]?.answer(null);
    expect(await asked).toEqual([]);
  });

  it('retries a claim that failed (a lost reply) while the lease holds, with the same fires', async () => {
    const { node, claims } = await leadingNode();
    const asked = node.claim([fire(1000)]);
    claims[0]?.answer(new Error('Connection is closed.'));
    await until(() => claims.length > 1);
    expect(claims[1]?.fires).toEqual(claims[0]?.fires);
    claims[1]?.answer([true]);
    expect((await asked).map((f) => f.fireAt)).toEqual([1000]);
  });

  it('asks nothing once the node stopped leading', async () => {
    const { node, claims } = await leadingNode();
    await node.handOver();
    expect(await node.claim([fire(1000)])).toEqual([]);
    expect(claims).toEqual([]);
  });
});

describe('the leader a standby names', () => {
  it('is none from the moment the link to Redis fails, while the lease read in flight has not failed yet (as status says)', async () => {
    let down = false;
    const roles: (string | null)[] = [];
    const store: Partial<ClusterStore> = {
      // Held by b while Redis answers; once it is down, the read hangs (ioredis queues it while it reconnects).
      acquire: () => (down ? new Promise(() => {}) : Promise.resolve({ kind: 'held', holder: 'b' })),
      release: async () => {},
      beat: async () => {},
      nodes: async () => [],
      pauses: async () => null,
      forget: async () => {},
      connection: () => (down ? { up: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' } : { up: true, error: null }),
    };
    const replica = { setRole: (_role: string, leader: string | null) => roles.push(leader), setClusterTrouble: () => {}, foreignRetries: () => [] } as unknown as ReplicaStore;
    const { node, engine } = startNode(store as ClusterStore, replica);
    for (let i = 0; i < 20 && node.leader() !== 'b'; i++) await engine.clock.settle();
    expect(node.leader()).toBe('b');

    // The node looks at its link at each tick of its (real) timer.
    down = true;
    await until(() => roles.at(-1) === null); // what status reads
    expect(node.role()).toBe('standby');
    expect(node.leader()).toBeNull(); // what /health and the standby's redirect say

    down = false;
    await until(() => node.leader() !== null);
    expect(node.leader()).toBe('b');
  });
});

// The cluster's Lua scripts against a real redis-server: the lease and its fencing, claims of
// fires (once, idempotent on retry, never behind the shared watermark), runs taken over, and the
// history stream.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRedisCluster } from '../../../src/adapters/ha/redisCluster.js';
import type { HistoryEntry } from '../../../src/core/ha/historyEntry.js';
import type { ClusterStore } from '../../../src/ports/cluster.js';
import { TestRedis } from '../../helpers/redis.js';

const LEASE = 10_000;
let redis: TestRedis;
let cluster: ClusterStore;
let n = 0;

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await cluster?.close();
  await redis.stop();
});
beforeEach(async () => {
  await cluster?.close();
  cluster = openRedisCluster({ url: redis.url, cluster: `c${++n}`, commandTimeoutMs: 2000, adoptTtlMs: 86_400_000 });
  // The command connection fails fast until it is ready.
  for (let i = 0; i < 100; i++) {
    try {
      await cluster.watermarks();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
});

async function leaseOf(node: string): Promise<string> {
  const answer = await cluster.acquire(node, LEASE);
  if (answer.kind !== 'acquired') throw new Error(`${node} did not get the lease: ${answer.holder} holds it`);
  return answer.lease;
}

describe('the lease', () => {
  it('goes to exactly one of two nodes asking at once; the other learns who holds it', async () => {
    const answers = await Promise.all([cluster.acquire('a:/srv/c', LEASE), cluster.acquire('b:/srv/c', LEASE)]);
    const won = answers.filter((a) => a.kind === 'acquired');
    expect(won).toHaveLength(1);
    const lost = answers.find((a) => a.kind === 'held');
    const winner = answers[0]?.kind === 'acquired' ? 'a:/srv/c' : 'b:/srv/c';
    expect(lost).toEqual({ kind: 'held', holder: winner });
  });

  it('carries a new fencing token per lease, and hands a node its own lease back unchanged', async () => {
    const first = await leaseOf('a');
    expect(first).toMatch(/^1\|[a-z0-9]+\|a$/);
    expect(await leaseOf('a')).toBe(first);
    await cluster.release(first);
    expect(await leaseOf('b')).toMatch(/^2\|[a-z0-9]+\|b$/);
  });

  it('is renewed only by its holder; a renewal with an old value learns the new holder', async () => {
    const old = await leaseOf('a');
    expect(await cluster.renew(old, LEASE)).toEqual({ kind: 'renewed' });
    await cluster.release(old);
    await leaseOf('b');
    expect(await cluster.renew(old, LEASE)).toEqual({ kind: 'lost', holder: 'b' });
  });

  it('expires when not renewed, and is then free for another node', async () => {
    const answer = await cluster.acquire('a', 300);
    expect(answer.kind).toBe('acquired');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await cluster.acquire('b', LEASE)).kind).toBe('acquired');
  });

  it('is released only by its holder', async () => {
    const lease = await leaseOf('a');
    await cluster.release(`${lease}x`);
    expect(await cluster.acquire('b', LEASE)).toEqual({ kind: 'held', holder: 'a' });
  });
});

describe('claims of fires', () => {
  const T = Date.parse('2025-06-01T02:00:00Z');

  it('claims each (task, fire) once, and a retry of the same lease gets the same answer', async () => {
    const lease = await leaseOf('a');
    expect(await cluster.claimFires(lease, [{ task: 'backup', fireAt: T }, { task: 'report', fireAt: T }])).toEqual([true, true]);
    expect(await cluster.claimFires(lease, [{ task: 'backup', fireAt: T }])).toEqual([true]);
    expect(await cluster.watermarks()).toEqual(new Map([['backup', T], ['report', T]]));
  });

  it('refuses everything to a lease that moved on (an old leader woken by SIGCONT): fenced', async () => {
    const old = await leaseOf('a');
    await cluster.release(old);
    const current = await leaseOf('b');
    expect(await cluster.claimFires(old, [{ task: 'backup', fireAt: T }])).toBeNull();
    expect(await cluster.claimFires(current, [{ task: 'backup', fireAt: T }])).toEqual([true]);
  });

  it('refuses a new leader the fires its predecessor claimed, and any at or before the shared watermark', async () => {
    const old = await leaseOf('a');
    expect(await cluster.claimFires(old, [{ task: 'tick', fireAt: T }, { task: 'tick', fireAt: T + 1000 }])).toEqual([true, true]);
    await cluster.release(old);
    const current = await leaseOf('b');
    expect(
      await cluster.claimFires(current, [
        { task: 'tick', fireAt: T - 1000 },
        { task: 'tick', fireAt: T + 1000 },
        { task: 'tick', fireAt: T + 2000 },
      ]),
    ).toEqual([false, false, true]);
  });

  it('raises shared watermarks (a takeover brings its own), never lowers them, and only for the holder', async () => {
    const lease = await leaseOf('a');
    await cluster.claimFires(lease, [{ task: 'x', fireAt: T }]);
    expect(await cluster.raiseWatermarks(lease, new Map([['x', T - 5000], ['y', T + 5000]]))).toBe(true);
    expect(await cluster.watermarks()).toEqual(new Map([['x', T], ['y', T + 5000]]));
    expect(await cluster.raiseWatermarks(`${lease}x`, new Map([['z', T]]))).toBe(false);
  });
});

describe('runs taken over', () => {
  it('go to the node that leads, whoever had them (a leader that adopted them and stopped holds none); a fenced lease takes none', async () => {
    const a = await leaseOf('a');
    expect(await cluster.adoptRuns(a, 'a', ['r1'])).toBe(true);
    await cluster.release(a);
    const b = await leaseOf('b');
    expect(await cluster.adoptRuns(b, 'b', ['r1', 'r2'])).toBe(true);
    await cluster.release(b);
    const a2 = await leaseOf('a');
    expect(await cluster.adoptRuns(a2, 'a', ['r1', 'r2'])).toBe(true);
    expect(await cluster.adoptRuns(b, 'b', ['r3'])).toBe(false);
  });
});

describe('the history stream', () => {
  const entry = (runId: string): HistoryEntry => ({
    node: 'a',
    kind: 'own',
    owner: 'a',
    run: null,
    attempts: [
      {
        run_id: runId,
        task: 't',
        attempt: 1,
        trigger: 'schedule',
        status: 'success',
        started_at: 1,
        finished_at: 2,
        exit_code: 0,
        signal: null,
        duration_ms: 1,
        reason: 'ok "quoted" | piped',
        fire_at: 1,
        worker: null,
      },
    ],
  });

  it('gives back what was published, in order, from any position', async () => {
    await cluster.publish([entry('r1'), entry('r2'), entry('r3')], null);
    const all = await cluster.read(null, 10, 100);
    expect(all.map((e) => e.entry?.attempts[0]?.run_id)).toEqual(['r1', 'r2', 'r3']);
    expect(all[0]?.entry).toEqual(entry('r1'));
    const rest = await cluster.read(all[0]?.id ?? null, 10, 100);
    expect(rest.map((e) => e.entry?.attempts[0]?.run_id)).toEqual(['r2', 'r3']);
    expect(await cluster.read(all[2]?.id ?? null, 10, 50)).toEqual([]);
    expect(await cluster.oldest()).toBe(all[0]?.id);
  });

  it('drops entries older than the retention as it adds (whole stream nodes of 100 entries at a time)', async () => {
    await cluster.publish(Array.from({ length: 250 }, (_, i) => entry(`old${i}`)), null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cluster.publish([entry('new')], Date.now());
    const left = await cluster.read(null, 1000, 50);
    expect(left.length).toBeLessThanOrEqual(51);
    expect(left[left.length - 1]?.entry?.attempts[0]?.run_id).toBe('new');
  });
});

describe('the node registry', () => {
  const info = (node: string, machine: string) => ({ node, role: 'standby' as const, host: 'h', home: '/srv', pid: 1, machine, since: 1, seen: 2, version: '0.1.0', url: null });

  it('lists each node, alive while its mark is renewed, and forgets a node only for its own machine', async () => {
    await cluster.beat(info('a', 'm1'), 10_000);
    await cluster.beat(info('b', 'm2'), 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const nodes = await cluster.nodes();
    expect(nodes.map((n) => `${n.node} ${n.alive}`).sort()).toEqual(['a true', 'b false']);
    await cluster.forget('a', 'another machine');
    expect((await cluster.nodes()).map((n) => n.node).sort()).toEqual(['a', 'b']);
    await cluster.forget('a', 'm1');
    expect((await cluster.nodes()).map((n) => n.node)).toEqual(['b']);
  });
});

describe('paused tasks', () => {
  it('are unknown until the leader writes them, then the leader\'s set, replaced whole, and only by the leader', async () => {
    expect(await cluster.pauses()).toBeNull();
    const lease = await leaseOf('a');
    expect(await cluster.setPauses(lease, new Map())).toBe(true);
    expect(await cluster.pauses()).toEqual(new Map());
    expect(await cluster.setPauses(lease, new Map([['backup', { at: 5, actor: 'api:ops' }]]))).toBe(true);
    expect(await cluster.pauses()).toEqual(new Map([['backup', { at: 5, actor: 'api:ops' }]]));
    expect(await cluster.setPauses(`${lease}x`, new Map())).toBe(false);
    expect(await cluster.setPauses(lease, new Map([['report', { at: 6, actor: 'cli:root' }]]))).toBe(true);
    expect(await cluster.pauses()).toEqual(new Map([['report', { at: 6, actor: 'cli:root' }]]));
  });
});

describe('the connection', () => {
  it('is up once connected, and says the error it fails with when Redis is not there', async () => {
    expect(cluster.connection()).toEqual({ up: true, error: null });
    const nowhere = openRedisCluster({ url: 'redis://127.0.0.1:1/0', cluster: 'c', commandTimeoutMs: 2000, adoptTtlMs: 1000 });
    try {
      for (let i = 0; i < 250 && nowhere.connection().error === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(nowhere.connection()).toEqual({ up: false, error: 'connect ECONNREFUSED 127.0.0.1:1' });
    } finally {
      await nowhere.close();
    }
  });
});

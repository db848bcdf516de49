import { describe, expect, it } from 'vitest';
import {
  decideLease,
  holdsLease,
  INITIAL_LEASE_STATE,
  leaseTiming,
  type LeaseAction,
  type LeaseEvent,
  type LeaseState,
} from '../../../src/core/ha/leaseDecision.js';
import { FakeClock } from '../../fakes/fakeClock.js';

const timing = leaseTiming(10); // lease 10 s, renew every 2 s, poll every 1 s, margin 2 s, requests given up after 2 s

/** Feeds events in order; returns the final state and every action taken. */
function run(events: LeaseEvent[], from: LeaseState = INITIAL_LEASE_STATE): { state: LeaseState; actions: LeaseAction[] } {
  let state = from;
  const actions: LeaseAction[] = [];
  for (const event of events) {
    const step = decideLease(state, event, timing);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

/** A node that acquired the lease with a request sent at `at` and answered at once. */
function leaderSince(at: number): LeaseState {
  return run([
    { kind: 'tick', now: at, eligible: true },
    { kind: 'acquired', now: at, sentAt: at, lease: '1|abc|a', holder: 'a' },
  ]).state;
}

describe('a standby', () => {
  it('asks for the lease once its history caught up, and leads when it gets it', () => {
    const { state, actions } = run([
      { kind: 'tick', now: 0, eligible: false },
      { kind: 'tick', now: 1000, eligible: true },
      { kind: 'acquired', now: 1005, sentAt: 1000, lease: '7|n0nce|a', holder: 'a' },
    ]);
    expect(actions).toEqual([{ kind: 'acquire' }, { kind: 'lead', lease: '7|n0nce|a' }]);
    expect(state).toMatchObject({ role: 'leader', lease: '7|n0nce|a', confirmedAt: 1000, leader: 'a' });
  });

  it('learns the leader from a refused acquire and asks again at the next poll, not before', () => {
    const { state, actions } = run([
      { kind: 'tick', now: 0, eligible: true },
      { kind: 'held', now: 3, sentAt: 0, holder: 'b' },
      { kind: 'tick', now: 500, eligible: true },
      { kind: 'tick', now: 1000, eligible: true },
    ]);
    expect(actions).toEqual([{ kind: 'acquire' }, { kind: 'acquire' }]);
    expect(state.leader).toBe('b');
    expect(holdsLease(state, 1000, timing)).toBe(false);
  });

  it('forgets the leader it heard of when a request fails or goes unanswered (it no longer knows)', () => {
    const heard: LeaseEvent[] = [
      { kind: 'tick', now: 0, eligible: true },
      { kind: 'held', now: 3, sentAt: 0, holder: 'b' },
      { kind: 'tick', now: 1000, eligible: true },
    ];
    expect(run(heard).state.leader).toBe('b');
    const failed = run([...heard, { kind: 'failed', now: 1001, sentAt: 1000, error: 'connect ECONNREFUSED' }]).state;
    expect(failed).toMatchObject({ leader: null, trouble: 'connect ECONNREFUSED' });
    const unanswered = run([...heard, { kind: 'tick', now: 3000, eligible: true }]).state;
    expect(unanswered).toMatchObject({ leader: null, trouble: 'no answer from Redis within 2000 ms' });
    // The next answer names it again.
    expect(run([...heard, { kind: 'failed', now: 1001, sentAt: 1000, error: 'x' }, { kind: 'tick', now: 2000, eligible: true }, { kind: 'held', now: 2001, sentAt: 2000, holder: 'b' }]).state).toMatchObject({
      leader: 'b',
      trouble: null,
    });
  });

  it('sends one request at a time: no second acquire while the first is unanswered', () => {
    const { actions } = run([
      { kind: 'tick', now: 0, eligible: true },
      { kind: 'tick', now: 1000, eligible: true },
      { kind: 'tick', now: 1500, eligible: true },
    ]);
    expect(actions).toEqual([{ kind: 'acquire' }]);
  });

  it('does not lead on an acquisition answered after the lease would already have run out locally', () => {
    const { state, actions } = run([
      { kind: 'tick', now: 0, eligible: true },
      // Redis was slow: the reply is 8.5 s after the request (lease 10 s - margin 2 s = 8 s).
      { kind: 'acquired', now: 8500, sentAt: 0, lease: '3|x|a', holder: 'a' },
    ]);
    expect(actions).toEqual([{ kind: 'acquire' }]);
    expect(state.role).toBe('standby');
  });

  it('ignores the late reply of a request it gave up on (a newer request decides)', () => {
    const { state, actions } = run([
      { kind: 'tick', now: 0, eligible: true },
      { kind: 'tick', now: 2000, eligible: true }, // given up after 2 s; a new acquire goes out
      { kind: 'acquired', now: 2100, sentAt: 0, lease: '4|old|a', holder: 'a' },
    ]);
    expect(actions).toEqual([{ kind: 'acquire' }, { kind: 'acquire' }]);
    expect(state.role).toBe('standby');
    expect(state.pending).toEqual({ kind: 'acquire', sentAt: 2000 });
  });
});

describe('a leader', () => {
  it('renews every renewal period and counts each renewal from when it was sent, not answered', () => {
    const { state, actions } = run(
      [
        { kind: 'tick', now: 2000, eligible: true },
        { kind: 'renewed', now: 3900, sentAt: 2000 }, // a slow answer, still in time
      ],
      leaderSince(0),
    );
    expect(actions).toEqual([{ kind: 'renew', lease: '1|abc|a' }]);
    expect(state.confirmedAt).toBe(2000);
    expect(holdsLease(state, 9999, timing)).toBe(true);
    expect(holdsLease(state, 10_000, timing)).toBe(false); // 2000 + 10 s - 2 s margin
  });

  it('when a renewal is late, still leads until lease - margin after the last confirmed sending', () => {
    const start = leaderSince(0);
    const { state, actions } = run([{ kind: 'tick', now: 7000, eligible: true }], start);
    expect(actions).toEqual([{ kind: 'renew', lease: '1|abc|a' }]);
    expect(state.role).toBe('leader');
    expect(holdsLease(state, 7999, timing)).toBe(true);
  });

  it('when Redis never answers, stops firing before the lease can expire in Redis, with the reason', () => {
    let state = leaderSince(0);
    const actions: LeaseAction[] = [];
    for (let now = 1000; now <= 12_000; now += 1000) {
      const step = decideLease(state, { kind: 'tick', now, eligible: true }, timing);
      state = step.state;
      actions.push(...step.actions);
      // Redis expires the lease no earlier than 10 s after the acquisition was sent.
      if (now >= 10_000) expect(holdsLease(state, now, timing)).toBe(false);
    }
    const down = actions.filter((a) => a.kind === 'step_down');
    expect(down).toEqual([{ kind: 'step_down', reason: 'the lease was not confirmed for 8000 ms (no answer from Redis within 2000 ms)' }]);
    expect(holdsLease(leaderSince(0), 7999, timing)).toBe(true);
    expect(holdsLease(leaderSince(0), 8000, timing)).toBe(false);
  });

  it('when Redis is slow, a renewal answered after the local lease ran out does not revive it', () => {
    const { state, actions } = run(
      [
        { kind: 'tick', now: 6500, eligible: true }, // renew sent at 6.5 s
        { kind: 'tick', now: 8000, eligible: true }, // 8 s since the acquisition: steps down
        { kind: 'renewed', now: 8200, sentAt: 6500 }, // the reply comes after
      ],
      leaderSince(0),
    );
    expect(actions.map((a) => a.kind)).toEqual(['renew', 'step_down']);
    expect(state.role).toBe('standby');
    expect(holdsLease(state, 8200, timing)).toBe(false);
  });

  it('when frozen (SIGSTOP) for longer than the lease, holds nothing the moment it wakes, before any tick', () => {
    const before = leaderSince(0);
    expect(holdsLease(before, 1000, timing)).toBe(true);
    // 30 s later (SIGCONT): whatever timer runs first asks holdsLease and gets false.
    expect(holdsLease(before, 31_000, timing)).toBe(false);
    const { state, actions } = run([{ kind: 'tick', now: 31_000, eligible: true }], before);
    expect(actions[0]).toMatchObject({ kind: 'step_down' });
    expect(state.role).toBe('standby');
    // And it goes back to asking, as a standby, in the same tick.
    expect(actions[1]).toEqual({ kind: 'acquire' });
  });

  it('steps down at once when a renewal finds the lease held by another node', () => {
    const { state, actions } = run(
      [
        { kind: 'tick', now: 2000, eligible: true },
        { kind: 'lost', now: 2002, sentAt: 2000, holder: 'b' },
      ],
      leaderSince(0),
    );
    expect(actions).toEqual([{ kind: 'renew', lease: '1|abc|a' }, { kind: 'step_down', reason: 'the lease is now held by b' }]);
    expect(state).toMatchObject({ role: 'standby', leader: 'b', lease: null });
  });

  it('keeps leading through a failed renewal while the lease is still confirmed, and says why', () => {
    const { state } = run(
      [
        { kind: 'tick', now: 2000, eligible: true },
        { kind: 'failed', now: 2001, sentAt: 2000, error: 'connect ECONNREFUSED' },
      ],
      leaderSince(0),
    );
    expect(state).toMatchObject({ role: 'leader', leader: 'a', trouble: 'connect ECONNREFUSED' });
    expect(holdsLease(state, 2001, timing)).toBe(true);
  });

  it('gives the lease back when the daemon stops', () => {
    const { state, actions } = run([{ kind: 'release', now: 100 }], leaderSince(0));
    expect(actions).toEqual([
      { kind: 'step_down', reason: 'the daemon is stopping' },
      { kind: 'release', lease: '1|abc|a' },
    ]);
    expect(state.role).toBe('standby');
  });

  it('is not moved by a wall-clock step: only the monotonic clock counts', async () => {
    const clock = new FakeClock('2025-06-01T02:00:00Z');
    let state = run([
      { kind: 'tick', now: clock.monotonic(), eligible: true },
      { kind: 'acquired', now: clock.monotonic(), sentAt: clock.monotonic(), lease: '1|abc|a', holder: 'a' },
    ]).state;
    clock.step(-3_600_000); // NTP steps the wall clock an hour back, then two forward
    clock.step(7_200_000);
    await clock.advance(1000);
    state = decideLease(state, { kind: 'tick', now: clock.monotonic(), eligible: true }, timing).state;
    expect(holdsLease(state, clock.monotonic(), timing)).toBe(true);
  });
});

// A model of Redis as the Lua scripts behave (each request handled atomically, in arrival order),
// nodes with random request delays and freezes, and the one property that matters: whenever a
// node believes it may fire, the lease in Redis is its own and unexpired.
describe('several nodes under random delays and freezes', () => {
  interface Node {
    name: string;
    state: LeaseState;
    frozenUntil: number;
  }
  interface Pending {
    at: number;
    run: () => void;
  }

  function simulate(seed: number): { leaderships: number; checks: number; violations: string[] } {
    let random = seed;
    const rand = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const key: { value: string | null; expiresAt: number } = { value: null, expiresAt: 0 };
    let counter = 0;
    const queue: Pending[] = [];
    const schedule = (at: number, fn: () => void) => {
      // Kept sorted by time (stable for equal times): a binary search for the insertion point.
      let lo = 0;
      let hi = queue.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((queue[mid] as Pending).at <= at) lo = mid + 1;
        else hi = mid;
      }
      queue.splice(lo, 0, { at, run: fn });
    };
    const nodes: Node[] = ['a', 'b', 'c'].map((name) => ({ name, state: INITIAL_LEASE_STATE, frozenUntil: 0 }));
    let leaderships = 0;
    let checks = 0;
    const violations: string[] = [];
    const holderOf = (value: string) => value.split('|')[2] as string;

    const apply = (node: Node, event: LeaseEvent, now: number) => {
      const step = decideLease(node.state, event, timing);
      node.state = step.state;
      for (const action of step.actions) {
        if (action.kind === 'lead') leaderships++;
        if (action.kind !== 'acquire' && action.kind !== 'renew') continue;
        const sentAt = now;
        const lost = rand() < 0.1;
        const processAt = sentAt + rand() * 3000; // Redis may be slow
        const replyAt = processAt + rand() * 1500;
        schedule(processAt, () => {
          if (lost) return; // never reaches Redis
          const live = key.value !== null && key.expiresAt > processAt ? key.value : null;
          let answer: LeaseEvent;
          if (action.kind === 'acquire') {
            if (live && holderOf(live) !== node.name) answer = { kind: 'held', now: 0, sentAt, holder: holderOf(live) };
            else if (live) {
              // Its own lease (an earlier request of this node got it): kept, extended, handed back.
              key.expiresAt = processAt + timing.leaseMs;
              answer = { kind: 'acquired', now: 0, sentAt, lease: live, holder: node.name };
            } else {
              key.value = `${++counter}|n|${node.name}`;
              key.expiresAt = processAt + timing.leaseMs;
              answer = { kind: 'acquired', now: 0, sentAt, lease: key.value, holder: node.name };
            }
          } else if (live === action.lease) {
            key.expiresAt = processAt + timing.leaseMs;
            answer = { kind: 'renewed', now: 0, sentAt };
          } else answer = { kind: 'lost', now: 0, sentAt, holder: live ? holderOf(live) : null };
          // A frozen process reads its socket only when it wakes.
          schedule(Math.max(replyAt, node.frozenUntil), () => deliver(node, answer));
        });
      }
    };
    const deliver = (node: Node, answer: LeaseEvent) => {
      const now = current;
      apply(node, { ...answer, now } as LeaseEvent, now);
      check(now);
    };
    const check = (now: number) => {
      for (const node of nodes) {
        if (node.frozenUntil > now || !holdsLease(node.state, now, timing)) continue;
        checks++;
        if (key.value !== node.state.lease || key.expiresAt <= now) violations.push(`${node.name} at ${now}: holds ${node.state.lease}, Redis has ${key.value} until ${key.expiresAt}`);
      }
    };

    let current = 0;
    for (const node of nodes) for (let t = rand() * 500; t < 300_000; t += 250) schedule(t, () => tickNode(node));
    const tickNode = (node: Node) => {
      if (node.frozenUntil > current) return;
      if (rand() < 0.002) node.frozenUntil = current + rand() * 30_000; // SIGSTOP, up to 3 leases
      apply(node, { kind: 'tick', now: current, eligible: true }, current);
      check(current);
    };
    while (queue.length > 0) {
      const next = queue.shift() as Pending;
      current = next.at;
      next.run();
    }
    return { leaderships, checks, violations };
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('never lets a node fire on a lease Redis does not hold for it (seed %i)', (seed) => {
    const { leaderships, checks, violations } = simulate(seed);
    expect(violations).toEqual([]);
    expect(leaderships).toBeGreaterThan(1); // the lease did move between nodes
    expect(checks).toBeGreaterThan(100);
  });
});

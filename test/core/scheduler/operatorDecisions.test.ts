import { describe, expect, it } from 'vitest';
import { gateDependencies } from '../../../src/core/scheduler/gateDependencies.js';
import { loopHealth, STALL_MS } from '../../../src/core/scheduler/loopHealth.js';
import { PAUSED_REASON, pauseGate } from '../../../src/core/scheduler/pauseGate.js';

describe('pauseGate: a request for a task that may be paused', () => {
  it.each([
    ['schedule', true, { kind: 'skip', reason: PAUSED_REASON }],
    ['catch_up', true, { kind: 'skip', reason: PAUSED_REASON }],
    ['dependency', true, { kind: 'skip', reason: PAUSED_REASON }],
    ['watch', true, { kind: 'skip', reason: PAUSED_REASON }],
    ['webhook', true, { kind: 'skip', reason: PAUSED_REASON }],
    ['manual', true, { kind: 'run' }],
    ['api', true, { kind: 'run' }],
    ['once', true, { kind: 'run' }],
    ['schedule', false, { kind: 'run' }],
  ] as const)('trigger %s, paused=%s: %o', (trigger, paused, expected) => {
    expect(pauseGate(trigger, paused)).toEqual(expected);
  });
});

describe('gateDependencies: when a dependency is paused', () => {
  const dep = { name: 'scan', enabled: true, active: false, lastRun: { status: 'success' as const, startedAt: 10 }, periodStart: 5 };
  it('skips the dependent as for a disabled one, saying so', () => {
    expect(gateDependencies([{ ...dep, paused: true }])).toEqual({ kind: 'skip', reason: 'dependency scan is paused' });
  });
  it('lets it run once the dependency is resumed', () => {
    expect(gateDependencies([{ ...dep, paused: false }])).toEqual({ kind: 'ready' });
  });
});

describe('loopHealth: GET /health', () => {
  it.each([
    [0, null, { status: 'ok' }],
    [STALL_MS - 1, null, { status: 'ok' }],
    [STALL_MS, null, { status: 'degraded', reason: 'the scheduler loop has not ticked for 60 s' }],
    [125_000, null, { status: 'degraded', reason: 'the scheduler loop has not ticked for 125 s' }],
    [1000, { message: 'database is locked', agoMs: 3500 }, { status: 'degraded', reason: 'the history cannot be written (3 s ago): database is locked' }],
  ] as const)('%d ms since the last tick, write failure %o: %o', (since, failure, expected) => {
    expect(loopHealth(since, failure)).toEqual(expected);
  });

  it("is degraded with the executor's reason while it cannot hand attempts over (Redis away)", () => {
    const down = 'Redis unreachable at redis://127.0.0.1:6379/0: connect ECONNREFUSED';
    expect(loopHealth(1000, null, down)).toEqual({ status: 'degraded', reason: down });
    expect(loopHealth(1000, null, null)).toEqual({ status: 'ok' });
  });

  it("is degraded with the reason while a cluster node cannot reach the cluster's Redis", () => {
    const down = 'cluster Redis unreachable at redis://127.0.0.1:6379/0: connect ECONNREFUSED 127.0.0.1:6379';
    expect(loopHealth(0, null, null, down)).toEqual({ status: 'degraded', reason: down });
    expect(loopHealth(0, null, null, null)).toEqual({ status: 'ok' });
  });
});

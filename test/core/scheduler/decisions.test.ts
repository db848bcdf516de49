import { describe, expect, it } from 'vitest';
import { admitRun, FORBID_REASON, REPLACE_REASON } from '../../../src/core/scheduler/admitRun.js';
import { downstreamReady } from '../../../src/core/scheduler/downstreamReady.js';
import { enqueueInOrder } from '../../../src/core/scheduler/readyQueue.js';
import { statusWords } from '../../../src/core/scheduler/statusWords.js';
import { retryDecision } from '../../../src/core/run/retryDecision.js';
import type { AttemptOutcome } from '../../../src/core/run/outcome.js';

describe('admitRun: a request for a task that may already have a run going', () => {
  it.each([
    ['forbid', false, { kind: 'run' }],
    ['forbid', true, { kind: 'skip', reason: FORBID_REASON }],
    ['allow', true, { kind: 'run' }],
    ['replace', true, { kind: 'replace', reason: REPLACE_REASON }],
    ['replace', false, { kind: 'run' }],
  ] as const)('under %s, busy=%s, decides %o', (policy, busy, expected) => {
    expect(admitRun(policy, busy)).toEqual(expected);
  });
});

describe('downstreamReady: a task with no schedule after one of its dependencies ended', () => {
  const ok = (name: string, startedAt: number) => ({ name, active: false, lastRun: { status: 'success' as const, startedAt } });
  it('runs when every dependency succeeded since its own last start', () => {
    expect(downstreamReady({ name: 'a', status: 'success' }, [ok('a', 20), ok('b', 15)], 10)).toEqual({ kind: 'run' });
  });
  it('waits while another dependency has not succeeded since', () => {
    expect(downstreamReady({ name: 'a', status: 'success' }, [ok('a', 20), ok('b', 5)], 10)).toEqual({ kind: 'not_yet' });
  });
  it('waits while another dependency is still going', () => {
    expect(downstreamReady({ name: 'a', status: 'success' }, [ok('a', 20), { ...ok('b', 15), active: true }], 10)).toEqual({ kind: 'not_yet' });
  });
  it.each([
    ['failed', 'dependency a failed'],
    ['timeout', 'dependency a timed out'],
    ['cancelled', 'dependency a was cancelled'],
    ['interrupted', 'dependency a was interrupted'],
  ] as const)('is skipped when the dependency ended %s, saying "%s"', (status, reason) => {
    expect(downstreamReady({ name: 'a', status }, [ok('a', 20)], 10)).toEqual({ kind: 'skip', reason });
  });
});

describe('enqueueInOrder: the ready queue', () => {
  it('orders by instant, then DAG order, then arrival', () => {
    const queue: { id: string; at: number; order: number }[] = [];
    const key = (item: { at: number; order: number }) => item;
    for (const item of [
      { id: 'late', at: 20, order: 0 },
      { id: 'b1', at: 10, order: 2 },
      { id: 'a', at: 10, order: 1 },
      { id: 'b2', at: 10, order: 2 },
      { id: 'early', at: 5, order: 9 },
    ]) enqueueInOrder(queue, item, key);
    expect(queue.map((i) => i.id)).toEqual(['early', 'a', 'b1', 'b2', 'late']);
  });
});

describe('statusWords', () => {
  it.each([
    ['failed', 'failed'],
    ['timeout', 'timed out'],
    ['skipped', 'was skipped'],
    ['awaiting_approval', 'is awaiting approval'],
  ] as const)('reads %s as "%s"', (status, words) => {
    expect(statusWords(status)).toBe(words);
  });
});

describe('retryDecision: after an attempt', () => {
  const task = { retry_count: 2, retry_delay: 10, retry_backoff: 'exponential' as const, retry_max_delay: 3600 };
  const failed: AttemptOutcome = { status: 'failed', exitCode: 1, reason: 'exit code 1' };
  it.each([
    ['a failure with retries left', failed, 1, null, { retry: true, delayMs: 10_000 }],
    ['the second failure', failed, 2, null, { retry: true, delayMs: 20_000 }],
    ['the last failure', failed, 3, null, { retry: false, reason: null }],
    ['a success', { status: 'success', exitCode: 0, reason: null }, 1, null, { retry: false, reason: null }],
    ['an interrupted attempt', { status: 'interrupted', exitCode: 143, reason: 'x' }, 1, null, { retry: false, reason: null }],
    ['a cancelled attempt', { status: 'cancelled', exitCode: 143, reason: 'x' }, 1, null, { retry: false, reason: null }],
    ['an attempt whose worker was lost', { status: 'interrupted', exitCode: null, reason: 'worker w1 lost', lost: true }, 1, null, { retry: true, delayMs: 10_000 }],
    ['the last attempt whose worker was lost', { status: 'interrupted', exitCode: null, reason: 'worker w1 lost', lost: true }, 3, null, { retry: false, reason: null }],
    ['a lost attempt while the conductor stops', { status: 'interrupted', exitCode: null, reason: 'worker w1 lost', lost: true }, 1, 'the daemon stopped (SIGTERM)', { retry: false, reason: 'not retried: the daemon stopped (SIGTERM)' }],
    ['a failure while the conductor stops', failed, 1, 'the daemon stopped (SIGTERM)', { retry: false, reason: 'not retried: the daemon stopped (SIGTERM)' }],
  ] as const)('%s decides %o', (_label, outcome, attempt, stopping, expected) => {
    expect(retryDecision(task, attempt, outcome, stopping)).toEqual(expected);
  });
});

// Two homes' real SQLite histories, one publishing its changes and the other applying them, as
// the cluster's stream carries them (ids given here): the same history on both, whatever the
// repeats, with other nodes' rows never taken for this home's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openReplicaStore } from '../../../src/adapters/sqlite/sqliteReplicaStore.js';
import { openRunStore } from '../../../src/adapters/sqlite/sqliteRunStore.js';
import type { HistoryEntry } from '../../../src/core/ha/historyEntry.js';
import type { RunStore } from '../../../src/ports/runStore.js';
import type { ReplicaStore } from '../../../src/ports/replica.js';

const T = Date.parse('2025-06-01T02:00:00Z');
const dirs: string[] = [];
const closers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function home(publishing = true): { store: RunStore; replica: ReplicaStore } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-replica-'));
  dirs.push(dir);
  const file = path.join(dir, 'conductor.db');
  const store = openRunStore(file);
  const replica = openReplicaStore(file);
  closers.push(store, replica);
  replica.setPublishing(publishing);
  return { store, replica };
}

let seq = 0;
/** Everything `from` has to publish, as stream entries with increasing ids. */
function publish(from: ReplicaStore, node: string, limit = 100): { id: string; entry: HistoryEntry }[] {
  const out: { id: string; entry: HistoryEntry }[] = [];
  for (let batch = from.changes(node, limit); batch; batch = from.changes(node, limit)) {
    for (const entry of batch.entries) out.push({ id: `${T + ++seq}-0`, entry });
    from.published(batch.upTo);
  }
  return out;
}

/** A scheduled run that succeeded after a failed attempt, and a skipped fire. */
function someHistory(store: RunStore): void {
  store.createRun({ run_id: 'r1', task: 'backup', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
  const a1 = store.startAttempt({ run_id: 'r1', task: 'backup', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
  store.finishAttempt(a1, { status: 'failed', finished_at: T + 1000, exit_code: 1, signal: null, reason: 'exit code 1' });
  store.setRunState('r1', 'retrying', { attempts: 1 });
  const a2 = store.startAttempt({ run_id: 'r1', task: 'backup', attempt: 2, trigger: 'schedule', started_at: T + 2000, fire_at: T, status: 'running' });
  store.finishAttempt(a2, { status: 'success', finished_at: T + 3000, exit_code: 0, signal: null, reason: null });
  store.setRunState('r1', 'success', { attempts: 2, finished_at: T + 3000 });
  store.recordSkip({ run_id: 's1', task: 'report', trigger: 'schedule', source: 'daemon', at: T + 60_000, fire_at: T + 60_000, reason: 'dependency backup still running at the next fire' });
}

describe('when a node publishes its history and another applies it', () => {
  it('gives the other node the same rows, its watermarks, and the ends for its health files', () => {
    const a = home();
    const b = home();
    someHistory(a.store);
    const entries = publish(a.replica, 'a');
    expect(entries.map((e) => e.entry.run?.run_id)).toEqual(['r1', 's1']);
    const ends = b.replica.apply('b', entries);
    expect(b.store.history({ limit: 10 })).toEqual(a.store.history({ limit: 10 }));
    expect(b.store.getWatermark('backup')).toBe(T);
    expect(b.store.getWatermark('report')).toBe(T + 60_000);
    expect(ends.map((e) => `${e.task} ${e.status}`)).toEqual(['backup failed', 'backup success']);
    expect(b.replica.position()).toBe(entries[entries.length - 1]?.id);
  });

  it('publishes each changed run once per batch, and again in a later batch only if it changed again', () => {
    const a = home();
    someHistory(a.store);
    const small = publish(a.replica, 'a', 3);
    // r1 was noted 7 times (3 row inserts, 4 updates), s1 twice: with 3 notes a batch, a run goes
    // out once per batch it has notes in, always as it is now.
    expect(small.map((e) => e.entry.run?.run_id)).toEqual(['r1', 'r1', 'r1', 's1']);
    expect(small[0]?.entry).toEqual(small[2]?.entry);
  });

  it('applies nothing twice: a repeat, or an entry older than the position, changes nothing', () => {
    const a = home();
    const b = home();
    someHistory(a.store);
    const entries = publish(a.replica, 'a');
    b.replica.apply('b', entries);
    const before = b.store.history({ limit: 10 });
    expect(b.replica.apply('b', entries)).toEqual([]);
    expect(b.replica.apply('b', [entries[0] as { id: string; entry: HistoryEntry }])).toEqual([]);
    expect(b.store.history({ limit: 10 })).toEqual(before);
  });

  it('keeps a run that changed after publishing up to date (whole snapshots, latest wins)', () => {
    const a = home();
    const b = home();
    a.store.createRun({ run_id: 'r2', task: 'long', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
    const id = a.store.startAttempt({ run_id: 'r2', task: 'long', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
    b.replica.apply('b', publish(a.replica, 'a'));
    expect(b.store.history({ limit: 1 })[0]?.status).toBe('running');
    a.store.finishAttempt(id, { status: 'timeout', finished_at: T + 5000, exit_code: 124, signal: null, reason: 'timed out after 5s' });
    a.store.setRunState('r2', 'timeout', { attempts: 1, finished_at: T + 5000 });
    b.replica.apply('b', publish(a.replica, 'a'));
    expect(b.store.history({ limit: 10 })).toEqual(a.store.history({ limit: 10 }));
  });

  it('passes over its own entries, and never treats copied rows as its own (no recovery, no resume, no publishing)', () => {
    const a = home();
    const b = home();
    a.store.createRun({ run_id: 'r3', task: 'x', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
    a.store.startAttempt({ run_id: 'r3', task: 'x', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
    a.store.createRun({ run_id: 'q3', task: 'y', trigger: 'schedule', state: 'queued', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
    const entries = publish(a.replica, 'a');
    expect(a.replica.apply('a', entries)).toEqual([]);
    expect(a.store.history({ limit: 10 })).toHaveLength(2);
    b.replica.apply('b', entries);
    expect(b.store.history({ limit: 10 })).toHaveLength(2);
    expect(b.store.orphans()).toEqual([]);
    expect(b.store.openRuns()).toEqual([]);
    expect(b.replica.changes('b', 10)).toBeNull();
  });

  it('notes nothing to publish while publishing is off', () => {
    const a = home(false);
    someHistory(a.store);
    expect(a.replica.changes('a', 10)).toBeNull();
  });
});

describe('when a new leader settles the runs of the node that lost the lease', () => {
  function setUp() {
    const a = home();
    const b = home();
    const c = home();
    a.store.createRun({ run_id: 'run', task: 'x', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
    a.store.startAttempt({ run_id: 'run', task: 'x', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
    a.store.createRun({ run_id: 'wait', task: 'y', trigger: 'schedule', state: 'waiting', source: 'daemon', requested_at: T, fire_at: T, deadline: T + 60_000, payload: null, reason: 'waiting for dependency x' });
    a.store.createRun({ run_id: 'ask', task: 'z', trigger: 'schedule', state: 'awaiting_approval', source: 'daemon', requested_at: T, fire_at: T, deadline: T + 86_400_000, payload: '{"env":{"K":"v"}}', reason: null });
    const fromA = publish(a.replica, 'a');
    b.replica.apply('b', fromA);
    c.replica.apply('c', fromA);
    return { a, b, c };
  }
  const reasons = (node: string) => ({ interrupted: `${node} lost the lease while this ran`, skipped: `not started: ${node} lost the lease` });

  it('ends its running run interrupted and its unstarted one skipped, leaves the approval to be taken over, and tells the others', () => {
    const { b, c } = setUp();
    expect(b.replica.settleForeignRuns(T + 20_000, reasons, new Set())).toBe(2);
    expect(b.store.history({ limit: 10 }).map((r) => `${r.run_id} ${r.status} ${r.reason}`).sort()).toEqual([
      'ask awaiting_approval null',
      'run interrupted a lost the lease while this ran',
      'wait skipped not started: a lost the lease',
    ]);
    expect(b.replica.foreignAwaiting()).toEqual(['ask']);
    c.replica.apply('c', publish(b.replica, 'b'));
    expect(c.store.history({ limit: 10 })).toEqual(b.store.history({ limit: 10 }));
  });

  it('leaves the runs of a node still alive (it stepped down and drains) to its own word', () => {
    const { b } = setUp();
    expect(b.replica.settleForeignRuns(T + 20_000, reasons, new Set(['a']))).toBe(0);
    expect(b.store.history({ limit: 10 }).find((r) => r.run_id === 'run')?.status).toBe('running');
  });

  it('is replaced by the word of the node itself when it comes back (its run had succeeded)', () => {
    const { a, b, c } = setUp();
    b.replica.settleForeignRuns(T + 20_000, reasons, new Set());
    const inferred = publish(b.replica, 'b');
    // a never hears of it as the owner: an inferred word about its own run does not apply there.
    a.replica.apply('a', inferred);
    expect(a.store.history({ limit: 10 }).find((r) => r.run_id === 'run')?.status).toBe('running');
    c.replica.apply('c', inferred);
    const row = a.store.runRows('run')[0];
    a.store.finishAttempt(1, { status: 'success', finished_at: T + 25_000, exit_code: 0, signal: null, reason: null });
    a.store.setRunState('run', 'success', { attempts: 1, finished_at: T + 25_000 });
    expect(row?.status).toBe('running');
    const truth = publish(a.replica, 'a');
    b.replica.apply('b', truth);
    c.replica.apply('c', truth);
    expect(b.store.runRows('run')[0]?.status).toBe('success');
    expect(c.store.runRows('run')[0]?.status).toBe('success');
  });

  it('leaves a daemon\'s run waiting to retry with its due time to be taken over; one with no due time (a foreground run\'s) is settled', () => {
    const a = home();
    const b = home();
    for (const [runId, source, deadline] of [['later', 'daemon', T + 5000], ['fg', 'foreground', null]] as const) {
      a.store.createRun({ run_id: runId, task: 'x', trigger: 'manual', state: 'running', source, requested_at: T, fire_at: null, deadline: null, payload: null, reason: null });
      const row = a.store.startAttempt({ run_id: runId, task: 'x', attempt: 1, trigger: 'manual', started_at: T, fire_at: null, status: 'running' });
      a.store.finishAttempt(row, { status: 'failed', finished_at: T + 1000, exit_code: 1, signal: null, reason: 'exit code 1' });
      a.store.setRunState(runId, 'retrying', { attempts: 1, deadline });
    }
    b.replica.apply('b', publish(a.replica, 'a'));
    expect(b.replica.settleForeignRuns(T + 20_000, reasons, new Set())).toBe(1);
    expect(b.store.runRows('fg').map((r) => r.status)).toEqual(['failed']);
    expect(b.replica.foreignRetries()).toEqual(['later']);
    b.replica.adopt(b.replica.foreignRetries());
    expect(b.store.openRuns().map((r) => [r.run_id, r.state, r.deadline])).toEqual([['later', 'retrying', T + 5000]]);
    expect(b.replica.foreignRetries()).toEqual([]);
    // a hears that b took it over: the run is no longer its own to resume.
    b.store.setRunState('later', 'retrying', { attempts: 1, deadline: T + 5000 });
    a.replica.apply('a', publish(b.replica, 'b'));
    expect(a.store.openRuns().map((r) => r.run_id)).not.toContain('later');
  });

  it('takes over a run awaiting approval: it becomes the new leader\'s own, and its old owner gives it up', () => {
    const { a, b } = setUp();
    b.replica.adopt(['ask']);
    expect(b.store.openRuns().map((r) => r.run_id)).toEqual(['ask']);
    expect(b.store.openRuns()[0]?.payload).toBe('{"env":{"K":"v"}}');
    b.store.setRunState('ask', 'awaiting_approval', { reason: null }); // any change of it goes out as b's own
    a.replica.apply('a', publish(b.replica, 'b'));
    expect(a.store.openRuns().map((r) => r.run_id)).not.toContain('ask');
  });
});

// What every command and every daemon start asks of a history of a million rows must be read
// through an index, never by a scan of the attempts table (a scan there costs ~0.3 s): the
// orphan check of `run` and `start`, and the last runs of `status`. The statements the store
// really runs are recorded and SQLite's own query plan is asked for each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import type { RunStore } from '../../src/ports/runStore.js';

const T = Date.parse('2025-06-01T00:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-plans-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Statement = { source: string; all: (...args: unknown[]) => unknown; get: (...args: unknown[]) => unknown };

/** The SQL of every statement `work` runs through better-sqlite3, with the arguments. */
function statementsRunBy(work: () => void): { sql: string; args: unknown[] }[] {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Statement;
  probe.close();
  const seen: { sql: string; args: unknown[] }[] = [];
  const original = { all: proto.all, get: proto.get };
  for (const name of ['all', 'get'] as const) {
    proto[name] = function (this: Statement, ...args: unknown[]) {
      seen.push({ sql: this.source, args });
      return original[name].apply(this, args);
    };
  }
  try {
    work();
  } finally {
    Object.assign(proto, original);
  }
  return seen;
}

function planOf(file: string, sql: string, args: unknown[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((row) => row.detail);
  } finally {
    db.close();
  }
}

function storyOf(store: RunStore): void {
  // x: finished; y: running (an orphan once its process is gone); z: a retry queued in a retrying run (an orphan too); w: queued alone.
  store.createRun({ run_id: 'x1', task: 'x', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
  const x = store.startAttempt({ run_id: 'x1', task: 'x', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
  store.finishAttempt(x, { status: 'success', finished_at: T + 10, exit_code: 0, signal: null, reason: null });
  store.setRunState('x1', 'success', { attempts: 1, finished_at: T + 10 });
  store.createRun({ run_id: 'y1', task: 'y', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T + 20, fire_at: T + 20, deadline: null, payload: null, reason: null });
  store.startAttempt({ run_id: 'y1', task: 'y', attempt: 1, trigger: 'schedule', started_at: T + 20, fire_at: T + 20, status: 'running' });
  store.createRun({ run_id: 'z1', task: 'z', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T + 30, fire_at: T + 30, deadline: null, payload: null, reason: null });
  const z = store.startAttempt({ run_id: 'z1', task: 'z', attempt: 1, trigger: 'schedule', started_at: T + 30, fire_at: T + 30, status: 'running' });
  store.finishAttempt(z, { status: 'failed', finished_at: T + 35, exit_code: 1, signal: null, reason: 'exit code 1' });
  store.setRunState('z1', 'retrying', { attempts: 1 });
  store.startAttempt({ run_id: 'z1', task: 'z', attempt: 2, trigger: 'schedule', started_at: T + 30, fire_at: T + 30, status: 'queued' });
  store.createRun({ run_id: 'w1', task: 'w', trigger: 'schedule', state: 'queued', source: 'daemon', requested_at: T + 40, fire_at: T + 40, deadline: null, payload: null, reason: null });
}

describe('the SQLite run store on a big history', () => {
  const file = path.join(dir, 'conductor.db');
  const store = openRunStore(file, { create: true });
  storyOf(store);

  it('finds as orphans the running attempts and the queued ones of running or retrying runs', () => {
    expect(store.orphans().map((o) => [o.task, o.status])).toEqual([
      ['y', 'running'],
      ['z', 'queued'],
    ]);
  });

  it('answers lastRuns in one statement, the same as asking task by task', () => {
    const names = ['x', 'y', 'z', 'w', 'nobody'];
    const seen = statementsRunBy(() => store.lastRuns(names));
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(store.lastRuns(names))).toEqual(Object.fromEntries(names.flatMap((n) => (store.lastRun(n) ? [[n, store.lastRun(n)]] : []))));
  });

  it.each([
    ['orphans', (s: RunStore) => s.orphans()],
    ['lastRuns', (s: RunStore) => s.lastRuns(['x', 'y', 'z'])],
  ])('reads %s through an index, never by a scan of the attempts', (_name, ask) => {
    const seen = statementsRunBy(() => ask(store));
    expect(seen.length).toBeGreaterThan(0);
    for (const { sql, args } of seen) {
      const plan = planOf(file, sql, args);
      expect(plan.filter((step) => /^SCAN (a|attempts)\b/.test(step) && !/USING (COVERING )?INDEX/.test(step)), plan.join(' | ')).toEqual([]);
    }
  });

  it('asks for one task\'s open runs (at every start) through the open-runs index, not all the task\'s runs', () => {
    const seen = statementsRunBy(() => store.otherLiveRun('z'));
    expect(seen).toHaveLength(1);
    const plan = planOf(file, seen[0]!.sql, seen[0]!.args);
    expect(plan[0], plan.join(' | ')).toMatch(/^SEARCH runs USING INDEX runs_open \(state=\? AND task=\?\)/);
  });

  it.each([
    [{ status: 'cancelled' as const }, 'attempts_by_status'],
    [{ status: 'failed' as const, before: T + 100 }, 'attempts_by_status'],
    [{ status: 'skipped' as const }, 'attempts_by_status'],
    [{ status: 'running' as const }, 'attempts_open'],
    [{ trigger: 'api' as const }, 'attempts_by_trigger'],
    [{ trigger: 'schedule' as const, before: T + 100 }, 'attempts_by_trigger'],
    [{ trigger: 'webhook' as const, status: 'timeout' as const }, 'attempts_by_(status|trigger)'],
  ])('pages the runs filtered by %o through %s: a rare status or trigger is not found by walking the whole history', (filter, index) => {
    const seen = statementsRunBy(() => store.historyPage({ limit: 50, ...filter }));
    expect(seen.length).toBeGreaterThan(0);
    const plan = planOf(file, seen[0]!.sql, seen[0]!.args);
    expect(plan.join(' | ')).toMatch(new RegExp(`^SEARCH attempts USING (COVERING )?INDEX ${index} `));
  });

  it('finds the same page with the index terms as without them', () => {
    // y's attempt runs, z's first failed and its second is queued, w waits for a slot: each filter finds exactly its rows.
    expect(store.historyPage({ limit: 50, status: 'failed' }).map((r) => r.run_id)).toEqual(['z1']);
    expect(store.historyPage({ limit: 50, status: 'running' }).map((r) => r.run_id)).toEqual(['y1']);
    expect(store.historyPage({ limit: 50, status: 'queued' }).map((r) => r.run_id)).toEqual(['w1', 'z1']);
    expect(store.historyPage({ limit: 50, trigger: 'schedule' }).map((r) => r.run_id)).toEqual(['w1', 'z1', 'z1', 'y1', 'x1']);
    expect(store.historyPage({ limit: 50, trigger: 'api' })).toEqual([]);
  });

  afterAll(() => store.close());
});

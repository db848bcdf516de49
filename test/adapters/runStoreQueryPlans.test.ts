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

type Statement = { source: string; all: (...args: unknown[]) => unknown; get: (...args: unknown[]) => unknown; iterate: (...args: unknown[]) => unknown };

/** The SQL of every statement `work` runs through better-sqlite3, with the arguments. */
function statementsRunBy(work: () => void): { sql: string; args: unknown[] }[] {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Statement;
  probe.close();
  const seen: { sql: string; args: unknown[] }[] = [];
  const original = { all: proto.all, get: proto.get, iterate: proto.iterate };
  for (const name of ['all', 'get', 'iterate'] as const) {
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

describe('the last runs of many tasks at once (status at a thousand tasks)', () => {
  const names = Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, '0')}`);

  /** A store at `file` and a way to write one finished attempt of a task that started at a time, in a run of its own. */
  function history(file: string) {
    const store = openRunStore(path.join(dir, file), { create: true });
    let n = 0;
    const ran = (task: string, at: number, status: 'success' | 'failed' = 'success'): void => {
      const runId = `r${++n}`;
      store.createRun({ run_id: runId, task, trigger: 'schedule', state: 'running', source: 'daemon', requested_at: at, fire_at: at, deadline: null, payload: null, reason: null });
      const id = store.startAttempt({ run_id: runId, task, attempt: 1, trigger: 'schedule', started_at: at, fire_at: at, status: 'running' });
      store.finishAttempt(id, { status, finished_at: at + 5, exit_code: status === 'success' ? 0 : 1, signal: null, reason: null });
      store.setRunState(runId, status, { attempts: 1, finished_at: at + 5 });
    };
    // k001's newest row is a skipped fire and k002's a queued retry: neither is a run, the run before is the last.
    const notRuns = (at: number): void => {
      store.recordSkip({ run_id: `r${++n}`, task: 'k001', trigger: 'schedule', source: 'daemon', at, fire_at: at, reason: 'still running' });
      store.createRun({ run_id: `q${n}`, task: 'k002', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: at, fire_at: at, deadline: null, payload: null, reason: null });
      store.setRunState(`q${n}`, 'retrying', { attempts: 1 });
      store.startAttempt({ run_id: `q${n}`, task: 'k002', attempt: 2, trigger: 'schedule', started_at: at, fire_at: at, status: 'queued' });
    };
    return { store, ran, notRuns, file: path.join(dir, file) };
  }

  /** The same map, asked task by task (lastRun: one indexed search each). */
  function oneByOne(store: RunStore, asked: string[]): [string, unknown][] {
    return asked.flatMap((task) => {
      const last = store.lastRun(task);
      return last ? [[task, last] as [string, unknown]] : [];
    });
  }

  it('reads them from the newest rows alone when every task ran lately, skipped and queued rows passed over, ties to the later row', () => {
    const { store, ran, notRuns } = history('lately.db');
    try {
      for (const name of names) ran(name, T - 86_400_000, 'failed');
      for (const name of names) ran(name, T + (name === 'k007' ? 0 : names.indexOf(name)));
      ran('k007', T, 'failed'); // the same millisecond as k007's run before: the later row is the last
      notRuns(T + 500);
      const seen = statementsRunBy(() => {
        const all = store.lastRuns(names);
        expect([...all.entries()]).toEqual(oneByOne(store, names));
        expect(all.get('k001')?.started_at).toBe(new Date(T + 1).toISOString());
        expect(all.get('k002')?.started_at).toBe(new Date(T + 2).toISOString());
        expect(all.get('k007')?.status).toBe('failed');
      });
      // the newest-first read found them all: no search task by task was needed (the rest are lastRun's)
      expect(seen.filter(({ sql }) => !/LIMIT 1$/.test(sql.trim()))).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('asks one by one for the tasks the newest rows do not hold: ran long ago, never ran, behind a chatty task', () => {
    const { store, ran, notRuns, file } = history('mixed.db');
    try {
      for (const name of names.slice(0, 90)) ran(name, T - 86_400_000); // k090-k099 never ran
      for (let i = 0; i < 600; i++) ran('chatty', T - 3_600_000 + i);
      for (const name of names.slice(0, 50)) ran(name, T + names.indexOf(name), 'failed');
      notRuns(T + 500);
      const asked = [...names, 'chatty'];
      const seen = statementsRunBy(() => {
        const all = store.lastRuns(asked);
        expect([...all.entries()]).toEqual(oneByOne(store, asked));
        expect(all.get('k001')).toMatchObject({ status: 'failed', started_at: new Date(T + 1).toISOString() });
        expect(all.get('k060')?.started_at).toBe(new Date(T - 86_400_000).toISOString());
        expect(all.has('k095')).toBe(false);
        expect(all.get('chatty')?.started_at).toBe(new Date(T - 3_600_000 + 599).toISOString());
      });
      const statements = seen.filter(({ sql }) => !/LIMIT 1$/.test(sql.trim()));
      expect(statements).toHaveLength(2); // the newest rows, then a search for each task they did not hold
      for (const { sql, args } of statements) {
        const plan = planOf(file, sql, args);
        expect(plan.filter((step) => /^SCAN (a|attempts)\b/.test(step) && !/USING (COVERING )?INDEX/.test(step)), plan.join(' | ')).toEqual([]);
      }
    } finally {
      store.close();
    }
  });
});

// Both RunStore adapters answer the engine's questions the same way: SQLite (the daemon, run)
// and memory (simulate). The same story is told to each and their answers compared.
import { describe, expect, it } from 'vitest';
import { createMemoryRunStore } from '../../src/adapters/memory/memoryRunStore.js';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import type { RunRecord } from '../../src/core/types.js';
import type { RunStore } from '../../src/ports/runStore.js';

const T = Date.parse('2025-06-01T00:00:00Z');

function story(store: RunStore): void {
  // a: started at once, succeeded; b: queued then ran and failed twice; c: skipped; d: still queued; e: waiting.
  store.createRun({ run_id: 'a1', task: 'a', trigger: 'schedule', state: 'running', source: 'daemon', requested_at: T, fire_at: T, deadline: null, payload: null, reason: null });
  const a = store.startAttempt({ run_id: 'a1', task: 'a', attempt: 1, trigger: 'schedule', started_at: T, fire_at: T, status: 'running' });
  store.attemptStarted(a, 'local:1:2', null, T);
  store.finishAttempt(a, { status: 'success', finished_at: T + 500, exit_code: 0, signal: null, reason: null });
  store.setRunState('a1', 'success', { attempts: 1, finished_at: T + 500 });
  const b1 = store.createRun({ run_id: 'b1', task: 'b', trigger: 'dependency', state: 'queued', source: 'daemon', requested_at: T + 1000, fire_at: null, deadline: null, payload: '{"env":{}}', reason: null });
  expect(b1).not.toBeNull();
  store.dispatchAttempt(b1 as number, T + 2000, 'running');
  store.setRunState('b1', 'running', { attempts: 1 });
  store.finishAttempt(b1 as number, { status: 'failed', finished_at: T + 3000, exit_code: 1, signal: null, reason: 'exit code 1' });
  store.setRunState('b1', 'retrying', { attempts: 1 });
  const b2 = store.startAttempt({ run_id: 'b1', task: 'b', attempt: 2, trigger: 'dependency', started_at: T + 4000, fire_at: null, status: 'running' });
  // Its start notice still waiting (lazy, see startedRows): written with its end.
  store.finishAttempt(b2, { status: 'failed', finished_at: T + 4100, exit_code: 1, signal: null, reason: 'exit code 1', started: { handle: 'local:3:4', worker: 'w9' } });
  store.setRunState('b1', 'failed', { attempts: 2, finished_at: T + 4100, reason: 'exit code 1' });
  store.recordSkip({ run_id: 'c1', task: 'c', trigger: 'schedule', source: 'daemon', at: T + 5000, fire_at: T + 5000, reason: 'dependency b failed' });
  store.createRun({ run_id: 'd1', task: 'd', trigger: 'schedule', state: 'queued', source: 'daemon', requested_at: T + 6000, fire_at: T + 6000, deadline: null, payload: null, reason: null });
  store.createRun({ run_id: 'e1', task: 'e', trigger: 'schedule', state: 'waiting', source: 'daemon', requested_at: T + 7000, fire_at: T + 7000, deadline: T + 9000, payload: null, reason: 'waiting for dependency b' });
  store.setWatermark('a', T);
  store.setWatermark('a', T - 1000);
}

function answers(store: RunStore) {
  const open = store.openRuns().map(({ owner_pid, owner_start, ...run }) => (void owner_pid, void owner_start, run));
  return {
    history: store.history({ limit: 20 }),
    historyB: store.history({ task: 'b', limit: 1 }),
    lastRuns: Object.fromEntries(store.lastRuns(['a', 'b', 'c', 'd', 'e'])),
    lastFailed: store.lastWithStatus('b', 'failed'),
    runRows: store.runRows('b1'),
    open,
    firstRowOfD: store.firstRowOf('d1') !== null,
    getRun: store.getRun('e1')?.state,
    watermark: store.getWatermark('a'),
  };
}

describe('the memory and SQLite run stores', () => {
  it('answer the same story the same way', () => {
    const sqlite = openRunStore(':memory:');
    const memory = createMemoryRunStore();
    story(sqlite);
    story(memory);
    const expected = answers(sqlite);
    expect(expected.history).toHaveLength(6);
    expect(expected.open.map((r) => r.run_id)).toEqual(['d1', 'e1']);
    expect(expected.lastRuns).not.toHaveProperty('c');
    expect(expected.historyB).toMatchObject([{ attempt: 2, worker: 'w9', duration_ms: 100 }]);
    expect(answers(memory)).toEqual(expected);
  });
});

describe('webhook deliveries in both run stores', () => {
  it.each([
    ['SQLite', () => openRunStore(':memory:')],
    ['memory', () => createMemoryRunStore()],
  ])('%s: keep the first run of a delivery id per task, and forget it with the history', (_name, open) => {
    const store: RunStore = open();
    expect(store.deliveryRun('deploy', 'abc')).toBeNull();
    store.recordDelivery({ task: 'deploy', delivery: 'abc', run_id: 'r1', at: T });
    store.recordDelivery({ task: 'deploy', delivery: 'abc', run_id: 'r2', at: T + 10 });
    store.recordDelivery({ task: 'other', delivery: 'abc', run_id: 'r3', at: T + 2 * DAY });
    expect(store.deliveryRun('deploy', 'abc')).toBe('r1');
    expect(store.deliveryRun('other', 'abc')).toBe('r3');
    store.prune(T + DAY);
    expect(store.deliveryRun('deploy', 'abc')).toBeNull();
    expect(store.deliveryRun('other', 'abc')).toBe('r3');
  });
});

describe('the history, paged, in both run stores', () => {
  /** Skipped fires as a tick of many tasks records them: groups of rows that started in one millisecond. */
  function burst(store: RunStore): string[] {
    const ids: string[] = [];
    const groups = [1, 30, 2, 30, 1, 1, 7, 30, 3];
    let n = 0;
    groups.forEach((size, g) => {
      for (let i = 0; i < size; i++, n++) {
        const run_id = `r${String(n).padStart(3, '0')}`;
        store.recordSkip({ run_id, task: n % 3 === 0 ? 'third' : 'other', trigger: 'schedule', source: 'daemon', at: T + g * 5000, fire_at: T + g * 5000, reason: 'dependency off is disabled' });
        ids.push(run_id);
      }
    });
    return ids;
  }

  /** Every page, following `before` = the last row's started_at, as a client does. */
  function pages(store: RunStore, limit: number, task?: string): RunRecord[][] {
    const found: RunRecord[][] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.historyPage({ limit, ...(task ? { task } : {}), ...(before === undefined ? {} : { before }) });
      if (page.length > 0) found.push(page);
      if (page.length < limit) return found;
      before = Date.parse((page.at(-1) as RunRecord).started_at);
    }
  }

  it.each([
    ['SQLite', () => openRunStore(':memory:')],
    ['memory', () => createMemoryRunStore()],
  ])('%s: following before = the last row\'s started_at lists every row exactly once, whatever the limit, though many share a start', (_name, open) => {
    const store: RunStore = open();
    const ids = burst(store);
    for (const limit of [1, 4, 5, 10, 29, 30, 31, 50, 104, 1000]) {
      const all = pages(store, limit).flat().map((r) => r.run_id);
      expect(all.length, `limit ${limit}`).toBe(ids.length);
      expect(new Set(all).size, `limit ${limit}`).toBe(ids.length);
      const third = pages(store, limit, 'third').flat().map((r) => r.run_id);
      expect(third.sort(), `task third, limit ${limit}`).toEqual(ids.filter((_id, n) => n % 3 === 0));
    }
    // A page is never split inside a millisecond: it holds `limit` rows and the rest of its last one's.
    // Newest first the groups are 3, 30, 7, 1, 1, 30, 2, 30, 1.
    expect(pages(store, 5).map((p) => p.length)).toEqual([33, 7, 32, 32, 1]);
    expect(store.historyPage({ limit: 5, before: T + 7 * 5000 }).map((r) => r.run_id)).toEqual(['r071', 'r070', 'r069', 'r068', 'r067', 'r066', 'r065']);
    expect(store.historyPage({ limit: 5, before: T + 2 * 5000 }).map((r) => r.run_id)).toEqual(ids.slice(1, 31).reverse());
  });
});

const DAY = 86_400_000;

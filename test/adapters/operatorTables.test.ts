// The history's operator tables on a real (in-memory) SQLite: pauses, the audit log kept as long
// as history, and the API's filtered, paged list of attempts.
import { describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';

const entry = (at: number, action: 'pause' | 'resume') => ({ at, actor: 'alice', source: 'cli' as const, action, task: 'a', run_id: null, detail: null });

describe('pauses', () => {
  it('are set once and cleared once, and listed with when and by whom', () => {
    const store = openRunStore(':memory:');
    expect(store.setPaused('a', { at: 5, actor: 'alice' })).toBe(true);
    expect(store.setPaused('a', { at: 6, actor: 'bob' })).toBe(false);
    expect(store.pausedTasks()).toEqual(new Map([['a', { at: 5, actor: 'alice' }]]));
    expect(store.setPaused('a', null)).toBe(true);
    expect(store.setPaused('a', null)).toBe(false);
    expect(store.pausedTasks().size).toBe(0);
  });
});

describe('the audit log', () => {
  it('lists newest first from `since`, and is pruned with the history', () => {
    const store = openRunStore(':memory:');
    store.recordAudit(entry(1000, 'pause'));
    store.recordAudit(entry(5000, 'resume'));
    expect(store.audit({ limit: 10 }).map((r) => [r.at, r.action])).toEqual([
      ['1970-01-01T00:00:05.000Z', 'resume'],
      ['1970-01-01T00:00:01.000Z', 'pause'],
    ]);
    expect(store.audit({ since: 2000, limit: 10 })).toHaveLength(1);
    store.prune(3000);
    expect(store.audit({ limit: 10 }).map((r) => r.action)).toEqual(['resume']);
  });
});

describe('historyPage', () => {
  it('filters by task, status and trigger, pages strictly before a start, newest first', () => {
    const store = openRunStore(':memory:');
    for (let i = 0; i < 6; i++) {
      store.recordSkip({ run_id: `r${i}`, task: i % 2 ? 'odd' : 'even', trigger: i < 3 ? 'schedule' : 'api', source: 'daemon', at: 1000 * (i + 1), fire_at: null, reason: 'x' });
    }
    expect(store.historyPage({ limit: 3 }).map((r) => r.run_id)).toEqual(['r5', 'r4', 'r3']);
    expect(store.historyPage({ limit: 3, before: 4000 }).map((r) => r.run_id)).toEqual(['r2', 'r1', 'r0']);
    expect(store.historyPage({ task: 'odd', limit: 10 }).map((r) => r.run_id)).toEqual(['r5', 'r3', 'r1']);
    expect(store.historyPage({ trigger: 'api', status: 'skipped', limit: 10 }).map((r) => r.run_id)).toEqual(['r5', 'r4', 'r3']);
    expect(store.historyPage({ status: 'failed', limit: 10 })).toEqual([]);
  });
});

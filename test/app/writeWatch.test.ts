// GET /health's view of the history: a failed write is remembered until a later write succeeds.
// The store here fails its writes on demand, as a database locked by another process does (a
// real lock would make each write wait out the 10 s busy timeout); its reads always succeed, as
// they do in WAL mode while another process holds the write lock.
import { describe, expect, it } from 'vitest';
import { watchWrites } from '../../src/app/writeWatch.js';
import type { RunStore } from '../../src/ports/runStore.js';

function lockableStore() {
  const state = { locked: false };
  const write = () => {
    if (state.locked) throw new Error('database is locked');
    return 1;
  };
  const store = {
    createRun: write,
    recordSkip: write,
    lastRun: () => null,
    usageSince: () => ({ runs: 0, runtimeSeconds: 0 }),
    batch: <T>(fn: () => T): T => fn(),
  } as unknown as RunStore;
  return { store, state };
}

describe('the write watch behind /health', () => {
  it('keeps a failed write until a write succeeds: reads and batches that only read do not clear it', () => {
    const { store, state } = lockableStore();
    const watch = watchWrites(store, () => 42);
    state.locked = true;
    expect(() => watch.store.recordSkip({} as never)).toThrow('database is locked');
    expect(watch.failure()).toEqual({ message: 'database is locked', at: 42 });
    watch.store.lastRun('t');
    watch.store.usageSince('t', 0, 0);
    watch.store.batch(() => watch.store.lastRun('t'));
    expect(watch.failure()).not.toBeNull();
    state.locked = false;
    watch.store.createRun({} as never);
    expect(watch.failure()).toBeNull();
  });

  it('takes a batch that wrote as a write: cleared when it commits, kept when it throws', () => {
    const { store, state } = lockableStore();
    const watch = watchWrites(store, () => 7);
    state.locked = true;
    expect(() => watch.store.batch(() => watch.store.createRun({} as never))).toThrow('database is locked');
    expect(watch.failure()?.message).toBe('database is locked');
    state.locked = false;
    watch.store.batch(() => watch.store.batch(() => watch.store.createRun({} as never)));
    expect(watch.failure()).toBeNull();
  });
});

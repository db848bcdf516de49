// The history's WAL is checkpointed by a worker thread every few hundred commits, long before the
// writer's own autocheckpoint (8,000 pages) would do it on the event loop: the database file
// receives the committed pages while the daemon goes on writing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import { COMMITS_PER_CHECKPOINT } from '../../src/adapters/sqlite/walCheckpointer.js';
import type { RunStore } from '../../src/ports/runStore.js';

const T = Date.parse('2026-01-01T00:00:00Z');
const dirs: string[] = [];
const stores: RunStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openStore(): { store: RunStore; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'conductor.db');
  const store = openRunStore(file);
  stores.push(store);
  return { store, file };
}

function commitSkips(store: RunStore, from: number, count: number): void {
  for (let i = from; i < from + count; i++) {
    store.batch(() => store.recordSkip({ run_id: `r${i}`, task: 't', trigger: 'schedule', source: 'daemon', at: T + i, fire_at: T + i, reason: 'skipped' }));
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('the WAL checkpointer', () => {
  it('copies the WAL into the database file off the event loop after a few hundred commits', async () => {
    const { store, file } = openStore();
    const before = fs.statSync(file).size;
    commitSkips(store, 0, COMMITS_PER_CHECKPOINT - 1);
    // Fewer commits than a round: nothing has reached the database file yet.
    expect(await until(() => fs.statSync(file).size > before, 300)).toBe(false);
    commitSkips(store, COMMITS_PER_CHECKPOINT - 1, 1);
    expect(await until(() => fs.statSync(file).size > before, 15_000)).toBe(true);
    // The rows are all there, read through the store, and the writer goes on.
    commitSkips(store, COMMITS_PER_CHECKPOINT, 10);
    expect(store.history({ task: 't', limit: 1000 })).toHaveLength(COMMITS_PER_CHECKPOINT + 10);
  });

  it('lets the store close while a checkpoint may be running, and the history reopens whole', async () => {
    const { store, file } = openStore();
    commitSkips(store, 0, COMMITS_PER_CHECKPOINT);
    store.close();
    stores.length = 0;
    const again = openRunStore(file);
    stores.push(again);
    expect(again.history({ task: 't', limit: 1000 })).toHaveLength(COMMITS_PER_CHECKPOINT);
  });
});

// Paging GET /api/v1/runs with `before` = the last row's started_at through a history where
// many rows started in the same millisecond (one tick's skipped fires of 30 tasks gated on a
// disabled one): every row comes once, whatever the limit and filters.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../../src/adapters/sqlite/sqliteRunStore.js';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';

const TASKS = 30;
const TICKS = 3;
const name = (i: number) => `gated_${String(i).padStart(2, '0')}`;
let daemon: Daemon;
/** The seeded rows' run ids, oldest first. */
const seeded: string[] = [];

/** Three ticks of 30 skipped fires, each tick's rows in one millisecond, and one lone fire after each tick. */
function seedHistory(home: string): void {
  fs.mkdirSync(path.join(home, 'status'), { recursive: true });
  const store = openRunStore(path.join(home, 'status', 'conductor.db'));
  const start = Date.now() - 3_600_000; // within the history's retention
  let n = 0;
  const skip = (task: string, at: number) => {
    const run_id = `${new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${String(n++).padStart(8, '0')}`;
    store.recordSkip({ run_id, task, trigger: 'schedule', source: 'daemon', at, fire_at: at, reason: 'dependency off is disabled' });
    seeded.push(run_id);
  };
  for (let tick = 0; tick < TICKS; tick++) {
    const at = start + tick * 5000;
    for (let i = 0; i < TASKS; i++) skip(name(i), at);
    skip('lone', at + 1000);
  }
  store.close();
}

beforeAll(async () => {
  const home = makeHome({
    tasks: [{ name: 'off', command: 'true', enabled: false }, ...Array.from({ length: TASKS }, (_, i) => ({ name: name(i), command: 'true', dependencies: ['off'] }))],
    settings: { http: { port: 0 } },
  });
  seedHistory(home);
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

/** Every page, as a client pages: `before` = the last row's started_at, until a page is shorter than `limit`. */
async function allPages(query: string, limit: number): Promise<{ run_id: string; started_at: string }[][]> {
  const pages: { run_id: string; started_at: string }[][] = [];
  let before = '';
  for (;;) {
    const response = await daemon.call(`/api/v1/runs?${query}&limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { run_id: string; started_at: string }[];
    if (page.length > 0) pages.push(page);
    if (page.length < limit) return pages;
    before = (page.at(-1) as { started_at: string }).started_at;
    expect(pages.length).toBeLessThan(200);
  }
}

describe('GET /api/v1/runs paged with before = the last row\'s started_at', () => {
  it.each([1, 4, 5, 10, 30, 31, 50])('limit %i: every run exactly once, newest first, though 30 share each start', async (limit) => {
    const rows = (await allPages('status=skipped', limit)).flat();
    expect(rows.map((r) => r.run_id)).toHaveLength(seeded.length);
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set(seeded));
    const starts = rows.map((r) => r.started_at);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it('with a task filter too, and a page never ends inside a millisecond (it takes the rest of it)', async () => {
    const gated = (await allPages(`task=${name(7)}`, 2)).flat();
    expect(gated).toHaveLength(TICKS);
    const pages = await allPages('trigger=schedule', 4);
    // Newest first: the lone fire, then 3 of the tick's 30 and the other 27 of them; and so on.
    expect(pages.map((p) => p.length)).toEqual([31, 31, 31]);
    for (const page of pages) expect(new Set(page.slice(1).map((r) => r.started_at)).size).toBe(1);
  });
});

// An attempt's start notice (its row's handle and worker) when the executor's processes die with
// the conductor (the spawn helper): it waits up to LAZY_MS for a commit made anyway. An attempt
// that ends before then has it written by its end's own statement, not by one more UPDATE; a
// longer one has it written after LAZY_MS, while it runs (what recovery reads).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import { withDefaults } from '../../src/core/config/defaults.js';
import { LAZY_MS } from '../../src/engine/startedRows.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import type { AttemptEnd, AttemptSpec, AttemptStarted, Executor } from '../../src/ports/executor.js';
import { fakeEngine } from '../fakes/engineContext.js';

const ENDED: AttemptEnd = { exitCode: 0, signal: null, startError: null, timedOut: false, lost: null, escaped: null };

/** A local executor whose processes die with the conductor; each attempt runs until `end(task)`. */
function helperLikeExecutor() {
  const running = new Map<string, (end: AttemptEnd) => void>();
  let pid = 4000;
  const executor: Executor = {
    remote: false,
    stopsWithConductor: true,
    run(spec: AttemptSpec, onStarted: (started: AttemptStarted) => void): Promise<AttemptEnd> {
      pid++;
      onStarted({ handle: `local:${pid}:77`, label: `pid ${pid}`, worker: null });
      return new Promise((resolve) => running.set(spec.task, resolve));
    },
    recover: async () => null,
    close: async () => {},
  };
  return { executor, end: (task: string) => running.get(task)?.(ENDED) };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-started-rows-'));
  dirs.push(dir);
  const file = path.join(dir, 'conductor.db');
  const engine = fakeEngine('2025-06-01T02:00:00Z');
  const store = openRunStore(file, { create: true });
  // Counts the start notices written by a statement of their own.
  const notices: number[] = [];
  engine.ctx.store = new Proxy(store, {
    get(target, key) {
      if (key === 'attemptStarted') return (id: number, ...rest: [string | null, string | null, number]) => (notices.push(id), target.attemptStarted(id, ...rest));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const helper = helperLikeExecutor();
  engine.ctx.executor = helper.executor;
  const cfg = withDefaults({ tasks: [{ name: 'quick', command: 'true' }], settings: { timezone: 'UTC' } });
  const scheduler = new Scheduler(engine.ctx, cfg);
  scheduler.start();
  const attempt = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT status, handle, duration_ms FROM attempts WHERE task = ?').get('quick');
    } finally {
      db.close();
    }
  };
  return { ...engine, ...helper, scheduler, attempt, notices };
}

describe("an attempt's start notice with the spawn helper", () => {
  it('is written by the end statement of an attempt that ends before LAZY_MS: no UPDATE of its own', async () => {
    const { clock, scheduler, end, attempt, notices } = setUp();
    scheduler.engine.submit({ task: 'quick', trigger: 'manual' });
    await clock.settle();
    await clock.advance(20);
    end('quick');
    await clock.settle();
    expect(attempt()).toEqual({ status: 'success', handle: 'local:4001:77', duration_ms: 20 });
    expect(notices).toEqual([]);
    await scheduler.stop('the test ends');
  });

  it('is written after LAZY_MS while a longer attempt runs (what a later start reads to stop it)', async () => {
    const { ctx, clock, scheduler, end, attempt, notices } = setUp();
    scheduler.engine.submit({ task: 'quick', trigger: 'manual' });
    await clock.settle();
    expect(attempt()).toEqual({ status: 'running', handle: null, duration_ms: null });
    await new Promise((resolve) => setTimeout(resolve, LAZY_MS + 50));
    expect(attempt()).toEqual({ status: 'running', handle: 'local:4001:77', duration_ms: null });
    expect(ctx.store.orphans().map((o) => o.handle)).toEqual(['local:4001:77']);
    expect(notices).toHaveLength(1);
    end('quick');
    await clock.settle();
    expect(attempt()).toMatchObject({ status: 'success', handle: 'local:4001:77' });
    await scheduler.stop('the test ends');
  });
});

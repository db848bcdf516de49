// An engine context for scheduling tests: fake clock and processes, a real in-memory SQLite
// history, and in-memory health files and logs.
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import type { Health } from '../../src/core/types.js';
import type { EngineContext, RunEvent } from '../../src/engine/context.js';
import { FakeClock } from './fakeClock.js';
import { FakeExecutor } from './fakeExecutor.js';

export function fakeEngine(start: string) {
  const clock = new FakeClock(start);
  const executor = new FakeExecutor(clock);
  const health = new Map<string, Health>();
  const events: RunEvent[] = [];
  const silent = () => {};
  const ctx: EngineContext = {
    clock,
    executor,
    store: openRunStore(':memory:'),
    health: { write: (task, h) => void health.set(task, h), read: (task) => health.get(task) ?? null, flush: async () => {} },
    taskLog: { openAttempt: () => 99, close: () => {}, path: (task) => `/logs/${task}.log` },
    logger: { debug: silent, info: silent, warn: silent, error: silent, flush: silent },
    home: '/home',
    baseEnv: {},
    onEvent: (event) => events.push(event),
  };
  return { ctx, clock, executor, health, events };
}

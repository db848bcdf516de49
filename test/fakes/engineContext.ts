// An engine context for scheduling tests: fake clock and processes (behind the real local
// executor), a real in-memory SQLite history, and in-memory health files and logs.
import { createLocalExecutor } from '../../src/adapters/process/localExecutor.js';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import type { Health } from '../../src/core/types.js';
import type { EngineContext } from '../../src/engine/context.js';
import { EventBus, type RunEvent } from '../../src/engine/events.js';
import type { RunSource } from '../../src/ports/runStore.js';
import { FakeBackend } from './fakeBackend.js';
import { FakeClock } from './fakeClock.js';

export function fakeEngine(start: string, source: RunSource = 'daemon') {
  const clock = new FakeClock(start);
  const executor = new FakeBackend(clock);
  const health = new Map<string, Health>();
  const events: RunEvent[] = [];
  const silent = () => {};
  const bus = new EventBus((error) => {
    throw error;
  });
  bus.onAny((event) => events.push(event));
  const ctx: EngineContext = {
    clock,
    executor: createLocalExecutor(executor, clock, { startsFirst: true }),
    store: openRunStore(':memory:'),
    health: { write: (task, h) => void health.set(task, h), read: (task) => health.get(task) ?? null, flush: async () => {} },
    taskLog: {
      openAttempt: (header, direct) => ({ fd: 99, path: direct ? `/logs/${header.task}.log` : `/logs/${header.run_id}.log`, direct }),
      close: () => {},
      lastWrite: () => null,
      finishLeftover: () => false,
      hasFinished: () => false,
      appendFinished: async () => 0,
      path: (task) => `/logs/${task}.log`,
    },
    logger: { debug: silent, info: silent, warn: silent, error: silent, flush: silent },
    events: bus,
    home: '/home',
    source,
  };
  return { ctx, clock, executor, health, events };
}

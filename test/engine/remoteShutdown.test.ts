// Attempts queued for a worker (a remote executor's) when the conductor stops: one no worker has
// taken is taken back at once (it never ran, so it holds up no drain) and ends as a run queued
// for a slot ends then: a daemon keeps it `queued` for its next start, a foreground command and
// a cluster node that stands by record it skipped, `not started: ...`; a retry taken back leaves
// a daemon's run waiting to retry (the next start sends it), and ends a foreground command's run
// interrupted. An attempt a worker already started drains as before.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import type { AttemptEnd, AttemptSpec, AttemptStarted, Executor } from '../../src/ports/executor.js';
import type { RunSource } from '../../src/ports/runStore.js';
import { fakeEngine } from '../fakes/engineContext.js';

const ENDED: AttemptEnd = { exitCode: 0, signal: null, startError: null, timedOut: false, lost: null, escaped: null };

/** A queue with no worker until the test starts a job: `start` is a worker taking it, `end` its report. */
function fakeQueue() {
  const jobs = new Map<string, { spec: AttemptSpec; start: () => void; end: (end: AttemptEnd) => void; started: boolean }>();
  const sent: string[] = [];
  const executor: Executor = {
    remote: true,
    run(spec: AttemptSpec, onStarted: (started: AttemptStarted) => void): Promise<AttemptEnd> {
      const id = `${spec.run_id}.${spec.attempt}`;
      sent.push(`${spec.task}#${spec.attempt}`);
      return new Promise((resolve) => {
        const job = {
          spec,
          started: false,
          start: () => {
            job.started = true;
            onStarted({ handle: `queue:${id}`, label: 'worker w1', worker: 'w1' });
          },
          end: (end: AttemptEnd) => {
            jobs.delete(id);
            resolve(end);
          },
        };
        jobs.set(id, job);
        spec.withdraw?.addEventListener('abort', () => {
          if (!job.started) job.end({ ...ENDED, exitCode: null, notStarted: true });
        });
        spec.signal.addEventListener('abort', () => job.end(job.started ? { ...ENDED, exitCode: null, signal: 'SIGTERM' } : { ...ENDED, exitCode: null, notStarted: true }));
      });
    },
    recover: async () => null,
    close: async () => {},
  };
  const job = (task: string) => [...jobs.values()].find((j) => j.spec.task === task);
  return { executor, sent, job, waiting: () => [...jobs.values()].filter((j) => !j.started).map((j) => j.spec.task) };
}

function setUp(tasks: Array<Partial<Task> & { name: string }>, source: RunSource = 'daemon') {
  const cfg = withDefaults({ tasks: tasks.map((t) => ({ command: 'true', ...t })), settings: { timezone: 'UTC', shutdown_timeout: 600 } });
  const engine = fakeEngine('2025-06-01T02:00:00Z', source);
  const queue = fakeQueue();
  engine.ctx.executor = queue.executor;
  const scheduler = new Scheduler(engine.ctx, cfg);
  scheduler.start();
  return { ...engine, queue, scheduler, cfg };
}

/** The next daemon on the same history, with a queue of its own (no job of the first is in it). */
async function nextDaemon(store: ReturnType<typeof fakeEngine>['ctx']['store'], cfg: ReturnType<typeof setUp>['cfg']) {
  const next = fakeEngine('2025-06-01T02:05:00Z');
  next.ctx.store = store;
  const again = fakeQueue();
  next.ctx.executor = again.executor;
  new Scheduler(next.ctx, cfg).start();
  await next.clock.advance(10);
  return { next, again };
}

const rowsOf = (store: ReturnType<typeof fakeEngine>['ctx']['store'], task: string) =>
  store.history({ task, limit: 10 }).map((r) => [r.attempt, r.status, r.reason]);

describe('when the daemon stops with an attempt queued for a worker and one a worker runs', () => {
  it('takes the queued one back at once (queued for the next start) and drains only the started one', async () => {
    const { ctx, clock, queue, scheduler, cfg } = setUp([{ name: 'waits' }, { name: 'runs' }]);
    const waits = scheduler.engine.submit({ task: 'waits', trigger: 'api' });
    scheduler.engine.submit({ task: 'runs', trigger: 'api' });
    await clock.advance(10);
    queue.job('runs')?.start();
    await clock.advance(10);
    expect(queue.waiting()).toEqual(['waits']);

    let stopped = false;
    const stopping = scheduler.stop('the daemon stopped (SIGTERM)').then(() => (stopped = true));
    await clock.advance(10);
    // Taken back at once: its run is queued again, its row too (no reason, as a run queued for a slot).
    expect(queue.waiting()).toEqual([]);
    expect(ctx.store.getRun(waits.run_id ?? '')?.state).toBe('queued');
    expect(rowsOf(ctx.store, 'waits')).toEqual([[1, 'queued', null]]);
    // The started one drains: the stop waits for it, not for the whole shutdown_timeout.
    expect(stopped).toBe(false);
    queue.job('runs')?.end(ENDED);
    await clock.advance(10);
    await stopping;
    expect(rowsOf(ctx.store, 'runs')).toEqual([[1, 'success', null]]);

    // The next daemon sends it out again, once.
    const { next, again } = await nextDaemon(ctx.store, cfg);
    expect(again.sent).toEqual(['waits#1']);
    again.job('waits')?.start();
    again.job('waits')?.end(ENDED);
    await next.clock.advance(10);
    expect(rowsOf(ctx.store, 'waits')).toEqual([[1, 'success', null]]);
  });
});

describe('when a foreground command stops with an attempt queued for a worker', () => {
  it('records it skipped, not started, as its runs queued for a slot', async () => {
    const { ctx, clock, queue, scheduler } = setUp([{ name: 'waits' }], 'foreground');
    const run = scheduler.engine.submit({ task: 'waits', trigger: 'manual' });
    await clock.advance(10);
    await Promise.all([scheduler.stop('interrupted by SIGINT'), clock.advance(10)]);
    expect(queue.waiting()).toEqual([]);
    expect(rowsOf(ctx.store, 'waits')).toEqual([[1, 'skipped', 'not started: interrupted by SIGINT']]);
    expect(ctx.store.getRun(run.run_id ?? '')).toMatchObject({ state: 'skipped', reason: 'not started: interrupted by SIGINT' });
  });
});

describe('when a foreground command is interrupted (Ctrl-C) with an attempt queued for a worker', () => {
  it('takes it back and records the run skipped, not started, with no health file: it never ran', async () => {
    const { ctx, clock, queue, scheduler, health } = setUp([{ name: 'waits' }, { name: 'runs' }], 'foreground');
    const waits = scheduler.engine.submit({ task: 'waits', trigger: 'manual' });
    scheduler.engine.submit({ task: 'runs', trigger: 'manual' });
    await clock.advance(10);
    queue.job('runs')?.start();
    await clock.advance(10);
    scheduler.engine.interruptAll('interrupted by SIGTERM');
    await clock.advance(10);
    expect(queue.waiting()).toEqual([]);
    expect(rowsOf(ctx.store, 'waits')).toEqual([[1, 'skipped', 'not started: interrupted by SIGTERM']]);
    expect(ctx.store.getRun(waits.run_id ?? '')).toMatchObject({ state: 'skipped', reason: 'not started: interrupted by SIGTERM' });
    expect(health.has('waits')).toBe(false);
    // The one a worker started is stopped, as before: interrupted.
    expect(rowsOf(ctx.store, 'runs')).toEqual([[1, 'interrupted', 'interrupted by SIGTERM']]);
  });
});

describe('when the daemon stops with a retry queued for a worker', () => {
  it('takes it back and leaves the run waiting to retry, due at once: the next start sends the retry out, once', async () => {
    const { ctx, clock, queue, scheduler, cfg } = setUp([{ name: 'flaky', retry_count: 2, retry_delay: 0 }]);
    const run = scheduler.engine.submit({ task: 'flaky', trigger: 'api' });
    await clock.advance(10);
    queue.job('flaky')?.start();
    queue.job('flaky')?.end({ ...ENDED, exitCode: 1 });
    await clock.advance(10);
    expect(queue.waiting()).toEqual(['flaky']);
    await Promise.all([scheduler.stop('the daemon stopped (SIGTERM)'), clock.advance(10)]);
    expect(queue.waiting()).toEqual([]);
    // The retry never ran: no row of it stays; the run waits to retry.
    expect(rowsOf(ctx.store, 'flaky')).toEqual([[1, 'failed', 'exit code 1']]);
    expect(ctx.store.getRun(run.run_id ?? '')).toMatchObject({ state: 'retrying', attempts: 1 });

    const { next, again } = await nextDaemon(ctx.store, cfg);
    expect(again.sent).toEqual(['flaky#2']);
    again.job('flaky')?.start();
    again.job('flaky')?.end(ENDED);
    await next.clock.advance(10);
    expect(rowsOf(ctx.store, 'flaky')).toEqual([
      [2, 'success', null],
      [1, 'failed', 'exit code 1'],
    ]);
    expect(ctx.store.getRun(run.run_id ?? '')).toMatchObject({ state: 'success', attempts: 2 });
  });

  it('of a foreground command ends the run interrupted, as a retry not yet due; the retry row says it never started', async () => {
    const { ctx, clock, queue, scheduler } = setUp([{ name: 'flaky', retry_count: 2, retry_delay: 0 }], 'foreground');
    const run = scheduler.engine.submit({ task: 'flaky', trigger: 'manual' });
    await clock.advance(10);
    queue.job('flaky')?.start();
    queue.job('flaky')?.end({ ...ENDED, exitCode: 1 });
    await clock.advance(10);
    await Promise.all([scheduler.stop('interrupted by SIGINT'), clock.advance(10)]);
    expect(rowsOf(ctx.store, 'flaky')).toEqual([
      [2, 'skipped', 'not started: interrupted by SIGINT'],
      [1, 'failed', 'exit code 1'],
    ]);
    expect(ctx.store.getRun(run.run_id ?? '')).toMatchObject({ state: 'interrupted', reason: 'interrupted by SIGINT' });
  });
});

describe('when a cluster node stops leading with an attempt queued for a worker', () => {
  it('takes it back and records it skipped, not started, as its runs queued for a slot', async () => {
    const { ctx, clock, queue, scheduler } = setUp([{ name: 'waits' }]);
    scheduler.engine.submit({ task: 'waits', trigger: 'api' });
    await clock.advance(10);
    scheduler.standBy('this node stopped leading: the lease expired in Redis');
    await clock.advance(10);
    expect(queue.waiting()).toEqual([]);
    expect(rowsOf(ctx.store, 'waits')).toEqual([[1, 'skipped', 'not started: this node stopped leading: the lease expired in Redis']]);
  });
});

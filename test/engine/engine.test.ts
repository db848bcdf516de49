import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import { DagSession } from '../../src/engine/dagSession.js';
import { Engine } from '../../src/engine/engine.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = Partial<Task> & { name: string };
const iso = (ms: number) => new Date(ms).toISOString();

function config(tasks: TaskInput[], settings: Record<string, unknown> = {}) {
  return withDefaults({ tasks: tasks.map((t) => ({ command: 'sleep=0 exit=0', ...t })), settings: { timezone: 'UTC', ...settings } });
}

/** A daemon started at `start` on `cfg`, told to stop (SIGTERM) at `at`, and given `drainMs` to drain. */
async function stoppedAt(cfg: ReturnType<typeof config>, start: string, at: string, drainMs: number, source: 'daemon' | 'foreground' = 'daemon') {
  const first = fakeEngine(start, source);
  const one = new Scheduler(first.ctx, cfg);
  one.start();
  await first.clock.advanceTo(at);
  const stopped = one.stop('the daemon stopped (SIGTERM)');
  await first.clock.advance(drainMs);
  await stopped;
  return first;
}

describe('when the daemon stops with runs still queued or waiting', () => {
  it('keeps them as rows, and the next daemon starts them: nothing is lost', async () => {
    const cfg = config(
      [
        { name: 'slow', schedule: '0 2 * * *', command: 'sleep=600000 exit=0' },
        { name: 'queued', schedule: '0 2 * * *' },
        { name: 'after', schedule: '1 2 * * *', dependencies: ['slow'] },
      ],
      { max_concurrent_tasks: 1, shutdown_timeout: 1 },
    );
    const first = fakeEngine('2025-06-01T01:59:00Z');
    const one = new Scheduler(first.ctx, cfg);
    one.start();
    await first.clock.advanceTo('2025-06-01T02:02:00Z');
    expect(first.ctx.store.openRuns().map((r) => `${r.task}:${r.state}`).sort()).toEqual(['after:waiting', 'queued:queued', 'slow:running']);
    const stopped = one.stop('the daemon stopped (SIGTERM)');
    await first.clock.advance(5000);
    await stopped;
    // `after` waited on `slow`, interrupted by the stop: skipped in the drain with the reason, not lost.
    expect(first.ctx.store.openRuns().map((r) => `${r.task}:${r.state}`).sort()).toEqual(['queued:queued']);

    const second = fakeEngine('2025-06-01T02:10:00Z');
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, cfg).start();
    await second.clock.advance(1000);
    expect(second.executor.spawns.map((s) => `${s.task}:${s.trigger}`)).toEqual(['queued:schedule']);
    const after = second.ctx.store.history({ task: 'after', limit: 5 });
    expect(after.map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency slow was interrupted']]);
    expect(second.ctx.store.openRuns()).toEqual([]);
  });
});

describe('a dependent waiting when the daemon stops, its dependency ending during the drain', () => {
  const cfg = (upCommand: string) =>
    config(
      [
        { name: 'up', schedule: '0 2 * * *', command: upCommand },
        { name: 'mid', schedule: '0 2 * * *', dependencies: ['up'] },
      ],
      { shutdown_timeout: 30 },
    );

  async function drainWhileWaiting(upCommand: string) {
    const first = fakeEngine('2025-06-01T01:59:59Z');
    const one = new Scheduler(first.ctx, cfg(upCommand));
    one.start();
    await first.clock.advanceTo('2025-06-01T02:00:01Z');
    expect(first.ctx.store.openRuns().map((r) => `${r.task}:${r.state}`).sort()).toEqual(['mid:waiting', 'up:running']);
    const stopped = one.stop('the daemon stopped (SIGTERM)');
    await first.clock.advance(5000);
    await stopped;
    return first;
  }

  it('becomes a queued row when the dependency succeeds in the drain, and the next daemon starts it, even after its next fire', async () => {
    const first = await drainWhileWaiting('sleep=4000 exit=0');
    expect(first.ctx.store.history({ task: 'up', limit: 1 })[0]?.status).toBe('success');
    expect(first.executor.spawns.map((s) => s.task)).toEqual(['up']);
    expect(first.ctx.store.openRuns().map((r) => `${r.task}:${r.state}:${r.reason}`)).toEqual(['mid:queued:null']);
    expect(first.ctx.store.history({ task: 'mid', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['queued', null]]);

    const second = fakeEngine('2025-06-02T02:00:30Z');
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, cfg('sleep=4000 exit=0')).start();
    await second.clock.advance(1000);
    expect(second.executor.spawns.map((s) => `${s.task}:${s.trigger}`)).toEqual(['mid:schedule']);
  });

  it('is skipped in the drain with the dependency\'s failure as the reason when the dependency fails', async () => {
    const first = await drainWhileWaiting('sleep=4000 exit=1');
    expect(first.ctx.store.history({ task: 'mid', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency up failed']]);
    expect(first.ctx.store.openRuns()).toEqual([]);
  });
});

describe('a dependent whose wait ends during the drain, before its dependency does', () => {
  it('is skipped as it would have been at its next fire, not left queued for the next daemon to run', async () => {
    const cfg = config(
      [
        { name: 'slow', schedule: '*/10 * * * * *', command: 'sleep=13000 exit=0' },
        { name: 'waiter', schedule: '*/10 * * * * *', dependencies: ['slow'] },
      ],
      { shutdown_timeout: 30 },
    );
    const first = await stoppedAt(cfg, '2025-06-01T01:59:59Z', '2025-06-01T02:00:02Z', 15_000);
    expect(first.ctx.store.history({ task: 'slow', limit: 1 })[0]?.status).toBe('success');
    expect(first.ctx.store.history({ task: 'waiter', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency slow still running at the next fire']]);
    expect(first.ctx.store.openRuns()).toEqual([]);
    expect(first.executor.spawns.map((s) => s.task)).toEqual(['slow']);
  });
});

describe('a reload', () => {
  it('ends the queued, waiting and awaiting-approval runs of a task it disables, as a restart would; an approval then is refused', async () => {
    const cfg = (enabled: boolean) =>
      config(
        [
          { name: 'hog', command: 'sleep=20000 exit=0' },
          { name: 'q', enabled },
          { name: 'ap', enabled, approval: { timeout: 300, message: null } },
        ],
        { max_concurrent_tasks: 1 },
      );
    const { ctx, clock, executor } = fakeEngine('2025-06-01T02:00:00Z');
    const scheduler = new Scheduler(ctx, cfg(true));
    scheduler.start();
    scheduler.engine.submit({ task: 'hog', trigger: 'api' });
    const q = scheduler.engine.submit({ task: 'q', trigger: 'api' });
    const ap = scheduler.engine.submit({ task: 'ap', trigger: 'api' });
    expect([q.status, ap.status]).toEqual(['queued', 'awaiting_approval']);
    await clock.advance(1000);
    scheduler.reload(cfg(false));
    expect(ctx.store.getRun(q.run_id!)).toMatchObject({ state: 'skipped', reason: 'task q is disabled' });
    expect(ctx.store.getRun(ap.run_id!)).toMatchObject({ state: 'skipped', reason: 'task ap is disabled' });
    expect(scheduler.engine.decide(ap.run_id!, 'approve', 'alice', null)).toMatchObject({ ok: false, code: 'conflict' });
    await clock.advance(30_000);
    expect(executor.spawns.map((s) => s.task)).toEqual(['hog']);
  });

  it('that removes a waiting run\'s dependency lets it go at once, not skipped at its next fire', async () => {
    const tasks = (deps: string[]) =>
      config([
        { name: 'long', schedule: '*/20 * * * * *', command: 'sleep=12000 exit=0' },
        { name: 'dep', schedule: '*/20 * * * * *', dependencies: deps },
      ]);
    const { ctx, clock, executor } = fakeEngine('2025-06-01T01:59:59Z');
    const scheduler = new Scheduler(ctx, tasks(['long']));
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:03Z');
    expect(ctx.store.openRuns().map((r) => `${r.task}:${r.state}`).sort()).toEqual(['dep:waiting', 'long:running']);
    scheduler.reload(tasks([]));
    await clock.advance(10);
    expect(executor.spawns.map((s) => `${s.task}@${iso(s.at)}`)).toEqual(['long@2025-06-01T02:00:00.000Z', 'dep@2025-06-01T02:00:03.000Z']);
  });

  it('that disables a task whose resumed retry waits for a slot ends the run as its last attempt did', async () => {
    const flaky = { name: 'flaky', schedule: '0 2 * * *', command: 'sleep=10 exit=1', retry_count: 3, retry_delay: 60 };
    const hog = { name: 'hog', schedule: '0 3 * * *', command: 'sleep=600000 exit=0' };
    const first = fakeEngine('2025-06-01T01:59:59Z');
    const one = new Scheduler(first.ctx, config([flaky, hog], { shutdown_timeout: 5 }));
    one.start();
    await first.clock.advanceTo('2025-06-01T02:00:05Z');
    await Promise.all([one.stop('the daemon stopped (SIGTERM)'), first.clock.advance(1000)]);

    // The next daemon has one slot, and hog takes it first.
    const second = fakeEngine('2025-06-01T02:59:59Z');
    second.ctx.store = first.ctx.store;
    const cfg = (enabled: boolean) => config([{ ...flaky, enabled }, hog], { max_concurrent_tasks: 1 });
    const two = new Scheduler(second.ctx, cfg(true));
    two.engine.submit({ task: 'hog', trigger: 'api' });
    two.start();
    await second.clock.advance(1000);
    expect(second.executor.spawns.map((s) => s.task)).toEqual(['hog']);
    two.reload(cfg(false));
    const [row] = second.ctx.store.history({ task: 'flaky', limit: 5 });
    expect([row?.attempt, row?.status, row?.reason]).toEqual([1, 'failed', 'exit code 1; not retried: task flaky is disabled']);
    expect(second.ctx.store.getRun(row!.run_id)).toMatchObject({ state: 'failed', attempts: 1 });
  });
});

describe('a dependency that ends while the daemon drains', () => {
  const cfg = config(
    [
      { name: 'up', schedule: '0 2 * * *', command: 'sleep=4000 exit=0' },
      { name: 'down', dependencies: ['up'] },
      { name: 'bad', schedule: '0 2 * * *', command: 'sleep=4000 exit=3' },
      { name: 'after_bad', dependencies: ['bad'] },
    ],
    { shutdown_timeout: 30 },
  );

  it('sets off its dependents with no schedule as rows the next daemon starts, or skips them with the reason', async () => {
    const first = await stoppedAt(cfg, '2025-06-01T01:59:59Z', '2025-06-01T02:00:01Z', 5000);
    expect(first.ctx.store.history({ task: 'up', limit: 1 })[0]?.status).toBe('success');
    // nothing started during the drain; down is a queued row, after_bad a skipped one
    expect(first.executor.spawns.map((s) => s.task).sort()).toEqual(['bad', 'up']);
    expect(first.ctx.store.openRuns().map((r) => `${r.task}:${r.state}:${r.trigger}`)).toEqual(['down:queued:dependency']);
    expect(first.ctx.store.history({ task: 'after_bad', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency bad failed']]);

    const second = fakeEngine('2025-06-01T02:00:30Z');
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, cfg).start();
    await second.clock.advance(1000);
    expect(second.executor.spawns.map((s) => `${s.task}:${s.trigger}`)).toEqual(['down:dependency']);
  });
});

describe('a run waiting to retry when the daemon stops', () => {
  const flaky = { name: 'flaky', schedule: '0 2 * * *', command: 'sleep=10 exit=1', retry_count: 3, retry_delay: 60 };

  async function stopWhileWaiting(source: 'daemon' | 'foreground' = 'daemon') {
    const cfg = config([flaky], { shutdown_timeout: 5 });
    const first = await stoppedAt(cfg, '2025-06-01T01:59:59Z', '2025-06-01T02:00:05Z', 1000, source);
    expect(first.executor.spawns).toHaveLength(1);
    return first;
  }

  it('stays open as retrying with its due time, its last attempt failed with no word of a dropped retry', async () => {
    const first = await stopWhileWaiting();
    const [open] = first.ctx.store.openRuns();
    expect(open).toMatchObject({ task: 'flaky', state: 'retrying', attempts: 1, deadline: Date.parse('2025-06-01T02:01:00.010Z') });
    expect(first.ctx.store.history({ task: 'flaky', limit: 5 }).map((r) => [r.attempt, r.status, r.reason])).toEqual([[1, 'failed', 'exit code 1']]);
  });

  it('is resumed by the next daemon: attempt 2 starts when it was due, not before, and the run ends as it does', async () => {
    const first = await stopWhileWaiting();
    const second = fakeEngine('2025-06-01T02:00:30Z');
    second.ctx.store = first.ctx.store;
    const fixed = config([{ ...flaky, command: 'sleep=10 exit=0' }]);
    new Scheduler(second.ctx, fixed).start();
    await second.clock.advanceTo('2025-06-01T02:00:59Z');
    expect(second.executor.spawns).toEqual([]);
    await second.clock.advanceTo('2025-06-01T02:01:01Z');
    expect(second.executor.spawns.map((s) => [s.task, s.trigger, s.env.CONDUCTOR_ATTEMPT, iso(s.at)])).toEqual([
      ['flaky', 'schedule', '2', '2025-06-01T02:01:00.010Z'],
    ]);
    expect(second.ctx.store.history({ task: 'flaky', limit: 5 }).map((r) => [r.attempt, r.status])).toEqual([
      [2, 'success'],
      [1, 'failed'],
    ]);
    expect(second.ctx.store.getRun(second.ctx.store.history({ task: 'flaky', limit: 1 })[0]!.run_id)).toMatchObject({ state: 'success', attempts: 2 });
    expect(second.ctx.store.openRuns()).toEqual([]);
    expect(second.health.get('flaky')?.status).toBe('success');
  });

  it('starts at once when its due time passed while no daemon ran, and keeps counting its retries', async () => {
    const first = await stopWhileWaiting();
    const second = fakeEngine('2025-06-01T03:00:00Z');
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, config([flaky])).start();
    await second.clock.advance(10 * 60_000);
    // attempts 2, 3 and 4: retry_count 3 in all, whichever daemon ran them
    expect(second.executor.spawns.map((s) => s.env.CONDUCTOR_ATTEMPT)).toEqual(['2', '3', '4']);
    expect(iso(second.executor.spawns[0]!.at)).toBe('2025-06-01T03:00:00.000Z');
    const rows = second.ctx.store.history({ task: 'flaky', limit: 10 });
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [4, 'failed'],
      [3, 'failed'],
      [2, 'failed'],
      [1, 'failed'],
    ]);
    expect(second.ctx.store.getRun(rows[0]!.run_id)).toMatchObject({ state: 'failed', attempts: 4 });
  });

  it('ends as its last attempt did when its task was removed or disabled before the next start, saying why no retry followed', async () => {
    for (const [tasks, why] of [
      [[{ name: 'other', schedule: '0 3 * * *' }], 'the task was removed from the config'],
      [[{ ...flaky, enabled: false }], 'task flaky is disabled'],
    ] as const) {
      const first = await stopWhileWaiting();
      const second = fakeEngine('2025-06-01T02:00:30Z');
      second.ctx.store = first.ctx.store;
      new Scheduler(second.ctx, config([...tasks])).start();
      await second.clock.advance(120_000);
      expect(second.executor.spawns).toEqual([]);
      const [row] = second.ctx.store.history({ task: 'flaky', limit: 5 });
      expect([row?.attempt, row?.status, row?.reason]).toEqual([1, 'failed', `exit code 1; not retried: ${why}`]);
      expect(second.ctx.store.getRun(row!.run_id)).toMatchObject({ state: 'failed', reason: 'exit code 1' });
      expect(second.ctx.store.openRuns()).toEqual([]);
    }
  });

  it('ends as its last attempt did when the retry rules the next daemon reads no longer allow the retry', async () => {
    const cases: [Partial<Task>, string][] = [
      [{ retry_count: 0 }, 'retry_count is now 0'],
      [{ no_retry_on_exit_codes: [1] }, 'exit code 1 is not retried'],
    ];
    for (const [changed, why] of cases) {
      const first = await stopWhileWaiting();
      const second = fakeEngine('2025-06-01T02:00:30Z');
      second.ctx.store = first.ctx.store;
      new Scheduler(second.ctx, config([{ ...flaky, ...changed }])).start();
      await second.clock.advance(120_000);
      expect(second.executor.spawns).toEqual([]);
      const [row] = second.ctx.store.history({ task: 'flaky', limit: 5 });
      expect([row?.attempt, row?.status, row?.reason]).toEqual([1, 'failed', `exit code 1; not retried: ${why}`]);
      expect(second.ctx.store.getRun(row!.run_id)).toMatchObject({ state: 'failed', attempts: 1 });
    }
  });

  it('can be cancelled while it waits in the next daemon: it ends cancelled and attempt 2 never starts', async () => {
    const first = await stopWhileWaiting();
    const runId = first.ctx.store.openRuns()[0]!.run_id;
    const second = fakeEngine('2025-06-01T02:00:30Z');
    second.ctx.store = first.ctx.store;
    const scheduler = new Scheduler(second.ctx, config([flaky]));
    scheduler.start();
    await second.clock.advance(1000);
    expect(scheduler.engine.cancel(runId, 'cancelled by ops')).toBe(true);
    await second.clock.advance(120_000);
    expect(second.executor.spawns).toEqual([]);
    expect(second.ctx.store.getRun(runId)).toMatchObject({ state: 'cancelled', reason: 'cancelled by ops' });
    expect(second.ctx.store.history({ task: 'flaky', limit: 5 }).map((r) => r.reason)).toEqual([
      'exit code 1; not retried: cancelled by ops before attempt 2 was due',
    ]);
  });

  it('of a foreground command ends interrupted, its last attempt saying that no retry followed and why', async () => {
    const first = await stopWhileWaiting('foreground');
    expect(first.ctx.store.history({ task: 'flaky', limit: 5 }).map((r) => [r.attempt, r.status, r.reason])).toEqual([
      [1, 'failed', 'exit code 1; not retried: the daemon stopped (SIGTERM) before attempt 2 was due'],
    ]);
    expect(first.ctx.store.openRuns()).toEqual([]);
  });
});

describe('a run whose attempt fails while the daemon drains, with retries left', () => {
  it('is left retrying for the next daemon, not ended: the retry is not lost', async () => {
    const cfg = config([{ name: 'flaky', schedule: '0 2 * * *', command: 'sleep=3000 exit=1', retry_count: 1, retry_delay: 10 }], { shutdown_timeout: 30 });
    const first = await stoppedAt(cfg, '2025-06-01T01:59:59Z', '2025-06-01T02:00:01Z', 5000);
    expect(first.ctx.store.openRuns().map((r) => [r.state, r.attempts, iso(r.deadline!)])).toEqual([['retrying', 1, '2025-06-01T02:00:13.000Z']]);

    const second = fakeEngine('2025-06-01T02:00:20Z');
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, cfg).start();
    await second.clock.advance(5000);
    expect(second.executor.spawns.map((s) => s.env.CONDUCTOR_ATTEMPT)).toEqual(['2']);
  });
});

describe('history while runs wait for a slot', () => {
  it('shows a queued run as a row, which becomes its first attempt when it starts', async () => {
    const cfg = config(
      [
        { name: 'a', schedule: '0 2 * * *', command: 'sleep=10000 exit=0' },
        { name: 'b', schedule: '0 2 * * *' },
      ],
      { max_concurrent_tasks: 1 },
    );
    const { ctx, clock } = fakeEngine('2025-06-01T01:59:59Z');
    new Scheduler(ctx, cfg).start();
    await clock.advanceTo('2025-06-01T02:00:01Z');
    expect(ctx.store.history({ task: 'b', limit: 5 }).map((r) => [r.attempt, r.status])).toEqual([[1, 'queued']]);
    await clock.advanceTo('2025-06-01T02:00:11Z');
    const [row] = ctx.store.history({ task: 'b', limit: 5 });
    expect(row).toMatchObject({ attempt: 1, status: 'success', started_at: '2025-06-01T02:00:10.000Z' });
  });

  it('gives a run that never started (cancelled or skipped while it waited) a duration of 0, not its time in the queue', async () => {
    const cfg = config(
      [
        { name: 'a', schedule: '0 2 * * *', command: 'sleep=60000 exit=0' },
        { name: 'b', schedule: '0 2 * * *' },
        { name: 'c', schedule: '0 2 * * *' },
      ],
      { max_concurrent_tasks: 1 },
    );
    const { ctx, clock } = fakeEngine('2025-06-01T01:59:59Z');
    const scheduler = new Scheduler(ctx, cfg);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:30Z');
    const queued = ctx.store.openRuns().find((r) => r.task === 'b')!;
    expect(scheduler.engine.cancel(queued.run_id, 'cancelled by ops')).toBe(true);
    scheduler.reload(config([{ name: 'a', schedule: '0 2 * * *', command: 'sleep=60000 exit=0' }], { max_concurrent_tasks: 1 }));
    const ended = [...ctx.store.history({ task: 'b', limit: 1 }), ...ctx.store.history({ task: 'c', limit: 1 })];
    expect(ended.map((r) => [r.task, r.status, r.duration_ms])).toEqual([
      ['b', 'cancelled', 0],
      ['c', 'skipped', 0],
    ]);
    // A cancelled queued run used none of the task's runtime budget.
    expect(ctx.store.usageSince('b', Date.parse('2025-06-01T00:00:00Z'), clock.now()).runtimeSeconds).toBe(0);
  });
});

describe('a run by hand the daemon carries out', () => {
  it('sets off the dependents with no schedule, as any run does (manual, api, an approved one)', async () => {
    const cfg = config([
      { name: 'extract' },
      { name: 'load', dependencies: ['extract'] },
      { name: 'gate', approval: { timeout: 600, message: null } },
      { name: 'after_gate', dependencies: ['gate'] },
      { name: 'broken', command: 'sleep=0 exit=1' },
      { name: 'after_broken', dependencies: ['broken'] },
    ]);
    const { ctx, clock, executor } = fakeEngine('2025-06-01T02:00:00Z');
    const scheduler = new Scheduler(ctx, cfg);
    scheduler.start();
    scheduler.engine.submit({ task: 'extract', trigger: 'manual' });
    scheduler.engine.submit({ task: 'broken', trigger: 'api' });
    const gate = scheduler.engine.submit({ task: 'gate', trigger: 'api' });
    await clock.advance(1000);
    expect(scheduler.engine.decide(gate.run_id, 'approve', 'alice', null)).toMatchObject({ ok: true });
    await clock.advance(1000);
    expect(executor.spawns.map((s) => `${s.task}:${s.trigger}`).sort()).toEqual(['after_gate:dependency', 'broken:api', 'extract:manual', 'gate:api', 'load:dependency']);
    expect(ctx.store.history({ task: 'after_broken', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency broken failed']]);
  });
});

describe('cancelling a run', () => {
  it('stops a running run, records it cancelled, does not retry it, and skips its downstream', async () => {
    const cfg = config([
      { name: 'a', schedule: '0 2 * * *', command: 'sleep=60000 exit=1', retry_count: 3 },
      { name: 'b', dependencies: ['a'] },
    ]);
    const { ctx, clock, executor } = fakeEngine('2025-06-01T01:59:59Z');
    const scheduler = new Scheduler(ctx, cfg);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:05Z');
    const [run] = ctx.store.openRuns();
    expect(scheduler.engine.cancel(run?.run_id ?? '', 'cancelled by alice')).toBe(true);
    await clock.advance(1000);
    expect(executor.spawns).toHaveLength(1);
    expect(ctx.store.history({ task: 'a', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['cancelled', 'cancelled by alice']]);
    expect(ctx.store.getRun(run?.run_id ?? '')?.state).toBe('cancelled');
    expect(ctx.store.history({ task: 'b', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency a was cancelled']]);
  });

  it('ends a queued run before it starts', async () => {
    const cfg = config(
      [
        { name: 'a', schedule: '0 2 * * *', command: 'sleep=60000 exit=0' },
        { name: 'b', schedule: '0 2 * * *' },
      ],
      { max_concurrent_tasks: 1 },
    );
    const { ctx, clock, executor } = fakeEngine('2025-06-01T01:59:59Z');
    const scheduler = new Scheduler(ctx, cfg);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:01Z');
    const queued = ctx.store.openRuns().find((r) => r.task === 'b');
    scheduler.engine.cancel(queued?.run_id ?? '', 'cancelled by bob');
    await clock.advanceTo('2025-06-01T02:02:00Z');
    expect(executor.spawns.map((s) => s.task)).toEqual(['a']);
    expect(ctx.store.history({ task: 'b', limit: 5 }).map((r) => [r.status, r.reason])).toEqual([['cancelled', 'cancelled by bob']]);
  });
});

describe('when the scheduler thread was held up past several fires', () => {
  it('still gives every fire a row: the first runs, the others are skipped with the reason', async () => {
    const cfg = config([{ name: 'tick', schedule: '* * * * * *', command: 'sleep=4000 exit=0' }]);
    const { ctx, clock } = fakeEngine('2025-06-01T00:00:00.500Z');
    new Scheduler(ctx, cfg).start();
    // The wall and the monotonic clock move together, but the timer fires only 5 s late:
    // a blocked event loop, not a clock step.
    await clock.advanceBlocked(5000);
    const rows = ctx.store.history({ task: 'tick', limit: 20 });
    expect(rows.map((r) => r.status).sort()).toEqual(['running', 'skipped', 'skipped', 'skipped', 'skipped']);
    const reasons = rows.filter((r) => r.status === 'skipped').map((r) => r.reason);
    expect(new Set(reasons)).toEqual(new Set(['the previous run is still going (concurrency_policy forbid)']));
  });
});

describe('a DAG session (run --all) through the engine', () => {
  it('runs in DAG order within max_concurrent_tasks and skips what follows a failure', async () => {
    const cfg = config(
      [
        { name: 'root', command: 'sleep=1000 exit=0' },
        { name: 'bad', dependencies: ['root'], command: 'sleep=1000 exit=2' },
        { name: 'ok', dependencies: ['root'], command: 'sleep=1000 exit=0' },
        { name: 'after_bad', dependencies: ['bad'] },
      ],
      { max_concurrent_tasks: 1 },
    );
    const { ctx, clock, executor } = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const engine = new Engine(ctx, cfg);
    const session = new DagSession(engine, { tasks: cfg.tasks, unavailable: new Map() }, 'once', clock.now(), ctx.store);
    session.start();
    await clock.advance(10_000);
    const outcomes = await session.done;
    expect(outcomes.map((o) => `${o.task}:${o.status}`)).toEqual(['root:success', 'bad:failed', 'ok:success', 'after_bad:skipped']);
    expect(executor.spawns.map((s) => `${s.task}@${iso(s.at).slice(17, 19)}`)).toEqual(['root@00', 'bad@01', 'ok@02']);
    expect(executor.maxLive).toBe(1);
  });
});

describe('the event bus', () => {
  it('tells every state change of a run, in order', async () => {
    const cfg = config([{ name: 'a', schedule: '0 2 * * *', command: 'sleep=1000 exit=1', retry_count: 1, retry_delay: 1 }]);
    const { ctx, clock, events } = fakeEngine('2025-06-01T01:59:59Z');
    new Scheduler(ctx, cfg).start();
    await clock.advanceTo('2025-06-01T02:00:10Z');
    expect(events.map((e) => `${e.type}${'attempt' in e ? `#${e.attempt}` : ''}${'status' in e ? `:${e.status}` : ''}`)).toEqual([
      'run.queued',
      'attempt.started#1',
      'attempt.ended#1:failed',
      'attempt.started#2',
      'attempt.ended#2:failed',
      'run.ended:failed',
    ]);
  });
});

describe("a run's end names the status the task had before", () => {
  it('from the history of an earlier process, for every task of a run --all, and null for a task that never ran', async () => {
    const cfg = config([
      { name: 'ok_before', command: 'sleep=0 exit=0' },
      { name: 'failed_before', command: 'sleep=0 exit=1', dependencies: ['ok_before'] },
      { name: 'new_task', command: 'sleep=0 exit=0' },
    ]);
    const earlier = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const before = new DagSession(new Engine(earlier.ctx, cfg), { tasks: cfg.tasks.slice(0, 2), unavailable: new Map() }, 'once', earlier.clock.now(), earlier.ctx.store);
    before.start();
    await earlier.clock.advance(10_000);
    await before.done;

    const later = fakeEngine('2025-06-02T00:00:00Z', 'foreground');
    later.ctx.store = earlier.ctx.store;
    const flipped = withDefaults({
      tasks: [
        { name: 'ok_before', command: 'sleep=0 exit=0' },
        { name: 'failed_before', command: 'sleep=0 exit=0', dependencies: ['ok_before'] },
        { name: 'new_task', command: 'sleep=0 exit=0' },
      ],
      settings: { timezone: 'UTC' },
    });
    const ended: string[] = [];
    later.ctx.events.on('run.ended', (e) => ended.push(`${e.task}:${e.previous}->${e.status}`));
    const session = new DagSession(new Engine(later.ctx, flipped), { tasks: flipped.tasks, unavailable: new Map() }, 'once', later.clock.now(), later.ctx.store);
    session.start();
    await later.clock.advance(10_000);
    await session.done;
    expect(ended.sort()).toEqual(['failed_before:failed->success', 'new_task:null->success', 'ok_before:success->success']);
  });

  it('read for all the tasks of a session in one query at its start, not one query a task as each starts', async () => {
    const cfg = config([
      { name: 'a', command: 'sleep=0 exit=0' },
      { name: 'b', command: 'sleep=0 exit=0', dependencies: ['a'] },
      { name: 'c', command: 'sleep=0 exit=0', dependencies: ['b'] },
    ]);
    const { ctx, clock } = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const asked: string[][] = [];
    const lastRuns = ctx.store.lastRuns.bind(ctx.store);
    ctx.store.lastRuns = (tasks, before) => {
      asked.push([...tasks]);
      return lastRuns(tasks, before);
    };
    const session = new DagSession(new Engine(ctx, cfg), { tasks: cfg.tasks, unavailable: new Map() }, 'once', clock.now(), ctx.store);
    session.start();
    await clock.advance(10_000);
    expect((await session.done).map((o) => o.status)).toEqual(['success', 'success', 'success']);
    expect(asked).toEqual([['a', 'b', 'c']]);
  });
});

describe("a run's end and the runs it sets off", () => {
  it('share one commit, and no process starts before that commit', async () => {
    const cfg = config([
      { name: 'a', command: 'sleep=10 exit=0' },
      { name: 'b', command: 'sleep=10 exit=0', dependencies: ['a'] },
      { name: 'c', command: 'sleep=10 exit=0', dependencies: ['b'] },
    ]);
    const { ctx, clock, executor } = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const store = ctx.store;
    let depth = 0;
    let commit = 0;
    const batch = store.batch.bind(store);
    store.batch = <T>(fn: () => T): T => {
      if (depth === 0) commit++;
      depth++;
      try {
        return batch(fn);
      } finally {
        depth--;
      }
    };
    const writes: string[] = [];
    const taskOf = new Map<string, string>();
    const createRun = store.createRun.bind(store);
    store.createRun = (run) => {
      taskOf.set(run.run_id, run.task);
      writes.push(`${commit}:${run.task} ${run.state}`);
      return createRun(run);
    };
    const setRunState = store.setRunState.bind(store);
    store.setRunState = (runId, state, fields) => {
      writes.push(`${commit}:${taskOf.get(runId)} ${state}`);
      return setRunState(runId, state, fields);
    };
    const inTransactionAtSpawn: boolean[] = [];
    const start = executor.start.bind(executor);
    executor.start = (spec) => {
      inTransactionAtSpawn.push(depth > 0);
      return start(spec);
    };
    const session = new DagSession(new Engine(ctx, cfg), { tasks: cfg.tasks, unavailable: new Map() }, 'once', clock.now(), store);
    session.start();
    await clock.advance(1000);
    expect((await session.done).map((o) => o.status)).toEqual(['success', 'success', 'success']);
    const commitOf = (write: string) => writes.find((w) => w.endsWith(write))?.split(':')[0];
    expect(commitOf('a success')).toBe(commitOf('b running'));
    expect(commitOf('b success')).toBe(commitOf('c running'));
    expect(inTransactionAtSpawn).toEqual([false, false, false]);
  });
});

describe('a run that starts and ends while the back end still has a burst of processes to start', () => {
  it('is told started, recorded, and sets off what follows it once those starts are made, with the times it had', async () => {
    const cfg = config([
      { name: 'a', command: 'sleep=100 exit=0' },
      { name: 'b', command: 'sleep=10 exit=0', dependencies: ['a'] },
    ]);
    const { ctx, clock, executor, health, events } = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const seen = () => events.filter((e) => e.type === 'attempt.started' || e.type === 'attempt.ended').map((e) => `${e.type} ${e.task}`);
    const begun = clock.now();
    let caughtUp!: () => void;
    executor.startsBacklog = new Promise((resolve) => (caughtUp = resolve));
    const session = new DagSession(new Engine(ctx, cfg), { tasks: cfg.tasks, unavailable: new Map() }, 'once', clock.now(), ctx.store);
    session.start();
    await clock.advance(500);
    // a's process ended at +100 ms; its end waits for the starts
    expect(ctx.store.history({ task: 'a', limit: 1 }).map((r) => r.status)).toEqual(['running']);
    expect(executor.spawns.map((s) => s.task)).toEqual(['a']);
    expect(health.get('a')).toBeUndefined();
    expect(seen()).toEqual([]);

    executor.startsBacklog = null;
    caughtUp();
    await clock.advance(1000);
    expect((await session.done).map((o) => `${o.task}:${o.status}`)).toEqual(['a:success', 'b:success']);
    const [a] = ctx.store.history({ task: 'a', limit: 1 });
    expect([a!.finished_at, a!.duration_ms]).toEqual([iso(begun + 100), 100]);
    expect(health.get('a')?.timestamp).toBe(iso(begun + 100).replace(/\.\d{3}Z$/, 'Z'));
    expect(executor.spawns.map((s) => `${s.task}@${s.at - begun}`)).toEqual(['a@0', 'b@500']);
    expect(seen()).toEqual(['attempt.started a', 'attempt.ended a', 'attempt.started b', 'attempt.ended b']);
    const started = events.find((e) => e.type === 'attempt.started' && e.task === 'a');
    expect(started?.type === 'attempt.started' && started.at).toBe(begun);
  });

  it('is held a second at most when the back end does not catch up (a stuck helper holds no end for long)', async () => {
    const cfg = config([{ name: 'a', command: 'sleep=100 exit=0' }]);
    const { ctx, clock, executor } = fakeEngine('2025-06-01T00:00:00Z', 'foreground');
    const begun = clock.now();
    executor.startsBacklog = new Promise(() => {});
    const session = new DagSession(new Engine(ctx, cfg), { tasks: cfg.tasks, unavailable: new Map() }, 'once', clock.now(), ctx.store);
    session.start();
    await clock.advance(1500);
    expect(ctx.store.history({ task: 'a', limit: 1 }).map((r) => r.status)).toEqual(['running']);
    await clock.advance(1000);
    expect((await session.done).map((o) => `${o.task}:${o.status}`)).toEqual(['a:success']);
    const [a] = ctx.store.history({ task: 'a', limit: 1 });
    expect([a!.finished_at, a!.duration_ms]).toEqual([iso(begun + 100), 100]);
  });
});

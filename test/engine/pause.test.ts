// Pause and cancel in the engine, on the fake clock: a paused task's fires are recorded skipped,
// runs by hand still run, dependents gate on it, the pause survives a new engine (a restart);
// a cancelled run ends cancelled, not retried.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = Partial<Task> & { name: string };

function setup(tasks: TaskInput[]) {
  const engine = fakeEngine('2025-06-02T10:00:00Z');
  const config = withDefaults({ tasks: tasks.map((t) => ({ command: 'sleep=0 exit=0', ...t })), settings: { timezone: 'UTC' } });
  return { ...engine, config, scheduler: new Scheduler(engine.ctx, config) };
}

const rowsOf = (ctx: ReturnType<typeof fakeEngine>['ctx'], task: string) => ctx.store.history({ task, limit: 100 }).reverse();

describe('when a task is paused', () => {
  it("records its fires skipped with the reason 'paused', and fires again once resumed", async () => {
    const { scheduler, clock, ctx, executor } = setup([{ name: 'tick', schedule: '* * * * *' }]);
    scheduler.start();
    scheduler.engine.setPaused('tick', { at: clock.now(), actor: 'alice' });
    await clock.advance(3 * 60_000);
    expect(executor.spawns).toHaveLength(0);
    expect(rowsOf(ctx, 'tick').map((r) => [r.status, r.reason])).toEqual([
      ['skipped', 'paused'],
      ['skipped', 'paused'],
      ['skipped', 'paused'],
    ]);
    scheduler.engine.setPaused('tick', null);
    await clock.advance(60_000);
    expect(executor.spawns.map((s) => s.task)).toEqual(['tick']);
  });

  it('still runs it by hand (manual, api)', async () => {
    const { scheduler, clock, executor } = setup([{ name: 'tick', schedule: '0 0 * * *' }]);
    scheduler.start();
    scheduler.engine.setPaused('tick', { at: clock.now(), actor: 'alice' });
    expect(scheduler.engine.submit({ task: 'tick', trigger: 'manual' }).status).toBe('queued');
    await clock.advance(10);
    expect(scheduler.engine.submit({ task: 'tick', trigger: 'api' }).status).toBe('queued');
    await clock.advance(10);
    expect(executor.spawns.map((s) => s.trigger)).toEqual(['manual', 'api']);
  });

  it('skips its scheduled dependents with "dependency X is paused"', async () => {
    const { scheduler, clock, ctx } = setup([
      { name: 'scan', schedule: '0 * * * *' },
      { name: 'report', schedule: '5 * * * *', dependencies: ['scan'] },
    ]);
    scheduler.start();
    scheduler.engine.setPaused('scan', { at: clock.now(), actor: 'alice' });
    await clock.advance(3_600_000);
    expect(rowsOf(ctx, 'report').map((r) => r.reason)).toEqual(['dependency scan is paused']);
  });

  it('sets off none of its dependents with no schedule when a person runs it: they are skipped as for a disabled one', async () => {
    const { scheduler, clock, ctx, executor } = setup([
      { name: 'scan' },
      { name: 'report', dependencies: ['scan'] },
      { name: 'mail', dependencies: ['report'] },
    ]);
    scheduler.start();
    scheduler.engine.setPaused('scan', { at: clock.now(), actor: 'alice' });
    scheduler.engine.submit({ task: 'scan', trigger: 'manual' });
    await clock.advance(1000);
    expect(executor.spawns.map((s) => s.task)).toEqual(['scan']);
    expect(rowsOf(ctx, 'report').map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency scan is paused']]);
    expect(rowsOf(ctx, 'mail').map((r) => r.status)).toEqual(['skipped']);
    scheduler.engine.setPaused('scan', null);
    scheduler.engine.submit({ task: 'scan', trigger: 'manual' });
    await clock.advance(1000);
    expect(executor.spawns.map((s) => s.task)).toEqual(['scan', 'scan', 'report', 'mail']);
  });

  it('is still paused in the next engine on the same history (a restart)', async () => {
    const { scheduler, clock, ctx, config, executor } = setup([{ name: 'tick', schedule: '* * * * *' }]);
    scheduler.engine.setPaused('tick', { at: clock.now(), actor: 'alice' });
    const next = new Scheduler(ctx, config);
    next.start();
    await clock.advance(60_000);
    expect(next.engine.pausedInfo('tick')).toEqual({ at: Date.parse('2025-06-02T10:00:00Z'), actor: 'alice' });
    expect(executor.spawns).toHaveLength(0);
  });
});

describe('when an operator cancels a run', () => {
  it('stops a running one: cancelled, not retried, its dependents skipped', async () => {
    const { scheduler, clock, ctx, executor } = setup([
      { name: 'long', command: 'sleep=60000 exit=0', retry_count: 3 },
      { name: 'after', dependencies: ['long'] },
    ]);
    scheduler.start();
    const { run_id } = scheduler.engine.submit({ task: 'long', trigger: 'schedule' });
    await clock.advance(1000);
    expect(scheduler.engine.cancel(run_id, 'cancelled by alice')).toBe(true);
    await clock.advance(20_000);
    expect(rowsOf(ctx, 'long').map((r) => [r.status, r.reason])).toEqual([['cancelled', 'cancelled by alice']]);
    expect(rowsOf(ctx, 'after').map((r) => [r.status, r.reason])).toEqual([['skipped', 'dependency long was cancelled']]);
    expect(executor.spawns.filter((s) => s.task === 'long')).toHaveLength(1);
  });

  it('is shown retrying while it waits for its next attempt, as its row says, and cancelled then it is not retried', async () => {
    const { scheduler, clock, ctx, executor } = setup([{ name: 'flaky', command: 'sleep=10 exit=1', retry_count: 2, retry_delay: 60 }]);
    scheduler.start();
    const { run_id } = scheduler.engine.submit({ task: 'flaky', trigger: 'schedule' });
    await clock.advance(5);
    expect(scheduler.engine.shownState(run_id)).toBe('running');
    await clock.advance(1000);
    expect(scheduler.engine.shownState(run_id)).toBe('retrying');
    expect(ctx.store.getRun(run_id)?.state).toBe('retrying');
    expect(scheduler.engine.cancel(run_id, 'cancelled by alice')).toBe(true);
    await clock.advance(120_000);
    expect(executor.spawns).toHaveLength(1);
    expect(ctx.store.getRun(run_id)?.state).toBe('cancelled');
  });

  it('ends a queued one at once; with kind interrupted it is recorded as a Ctrl-C would', async () => {
    const { scheduler, clock, ctx } = setup([
      { name: 'busy', command: 'sleep=60000 exit=0' },
      { name: 'waits', command: 'sleep=10 exit=0' },
    ]);
    scheduler.engine.reload(withDefaults({ tasks: [{ name: 'busy', command: 'sleep=60000 exit=0' }, { name: 'waits', command: 'sleep=10 exit=0' }], settings: { max_concurrent_tasks: 1 } }));
    scheduler.start();
    const busy = scheduler.engine.submit({ task: 'busy', trigger: 'api' });
    const queued = scheduler.engine.submit({ task: 'waits', trigger: 'api' });
    expect(queued.status).toBe('queued');
    expect(scheduler.engine.cancel(queued.run_id, 'cancelled by bob')).toBe(true);
    expect(rowsOf(ctx, 'waits').map((r) => [r.status, r.reason])).toEqual([['cancelled', 'cancelled by bob']]);
    await clock.advance(10);
    expect(scheduler.engine.cancel(busy.run_id, 'interrupted by SIGINT', 'interrupted')).toBe(true);
    await clock.advance(20_000);
    expect(rowsOf(ctx, 'busy').map((r) => [r.status, r.reason])).toEqual([['interrupted', 'interrupted by SIGINT']]);
  });
});

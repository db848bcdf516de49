// Approval gates, budgets and retry rules, decided by the engine on a fake clock.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = { name: string } & Record<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();

function setup(start: string, tasks: TaskInput[], settings: Record<string, unknown> = {}) {
  const engine = fakeEngine(start);
  const config = withDefaults({ tasks: tasks.map((t) => ({ command: 'sleep=1000 exit=0', ...t })) as never, settings: { timezone: 'UTC', ...settings } });
  const scheduler = new Scheduler(engine.ctx, config);
  return { ...engine, config, scheduler };
}

const rowsOf = (ctx: ReturnType<typeof fakeEngine>['ctx'], task: string) =>
  ctx.store.history({ task, limit: 100 }).reverse().map((r) => [r.status, r.reason]);

describe('a task with an approval gate', () => {
  const tasks = [
    { name: 'analyze', schedule: '0 2 * * *' },
    { name: 'execute', schedule: '30 2 * * *', dependencies: ['analyze'], approval: { timeout: 3600, message: 'look at the analysis first' } },
    { name: 'notify', dependencies: ['execute'] },
  ];

  it('holds the due run as a row awaiting approval; approved, it runs and its downstream follows', async () => {
    const { scheduler, clock, ctx, executor, events } = setup('2025-06-01T01:00:00Z', tasks);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:40:00Z');
    expect(executor.spawns.map((s) => s.task)).toEqual(['analyze']);
    const [waiting] = scheduler.engine.awaitingApproval();
    expect(waiting).toMatchObject({ task: 'execute', message: 'look at the analysis first', since: Date.parse('2025-06-01T02:30:00Z') });
    expect(waiting?.expires_at).toBe(Date.parse('2025-06-01T03:30:00Z'));
    expect(ctx.store.getRun(waiting?.run_id ?? '')?.state).toBe('awaiting_approval');
    expect(rowsOf(ctx, 'execute')).toEqual([['awaiting_approval', null]]);
    expect(events.some((e) => e.type === 'run.awaiting_approval' && e.task === 'execute')).toBe(true);
    expect(scheduler.engine.decide(waiting?.run_id ?? '', 'approve', 'alice', 'looks fine')).toEqual({ ok: true });
    await clock.advance(10_000);
    expect(executor.spawns.map((s) => `${s.task}@${iso(s.at).slice(11, 19)}`)).toEqual(['analyze@02:00:00', 'execute@02:40:00', 'notify@02:40:01']);
    expect(rowsOf(ctx, 'execute')).toEqual([['success', null]]);
  });

  it('rejected, ends skipped with who and why, and its dependents are skipped', async () => {
    const { scheduler, clock, ctx, executor } = setup('2025-06-01T01:00:00Z', tasks);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:40:00Z');
    const [waiting] = scheduler.engine.awaitingApproval();
    expect(scheduler.engine.decide(waiting?.run_id ?? '', 'reject', 'bob', 'too many files')).toEqual({ ok: true });
    await clock.advance(10_000);
    expect(executor.spawns.map((s) => s.task)).toEqual(['analyze']);
    expect(rowsOf(ctx, 'execute')).toEqual([['skipped', 'rejected by bob: too many files']]);
    expect(rowsOf(ctx, 'notify')).toEqual([['skipped', 'dependency execute was skipped']]);
  });

  it('with no decision within its timeout, is skipped: approval timed out; a late decision is refused, saying so', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T01:00:00Z', tasks);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:40:00Z');
    const [waiting] = scheduler.engine.awaitingApproval();
    await clock.advanceTo('2025-06-01T03:31:00Z');
    expect(rowsOf(ctx, 'execute')).toEqual([['skipped', 'approval timed out']]);
    expect(scheduler.engine.decide(waiting?.run_id ?? '', 'reject', 'bob', null)).toEqual({
      ok: false,
      code: 'conflict',
      message: `run ${waiting?.run_id} is not awaiting approval: it is skipped (approval timed out)`,
    });
  });

  it('refuses a second decision and an unknown run', async () => {
    const { scheduler, clock } = setup('2025-06-01T01:00:00Z', tasks);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:40:00Z');
    const [waiting] = scheduler.engine.awaitingApproval();
    scheduler.engine.decide(waiting?.run_id ?? '', 'approve', 'alice', null);
    const again = scheduler.engine.decide(waiting?.run_id ?? '', 'approve', 'alice', null);
    expect(again).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/is not awaiting approval: it is (queued|running)/) });
    expect(scheduler.engine.decide('20250601T000000Z-00000000', 'approve', 'alice', null)).toEqual({
      ok: false,
      code: 'not_found',
      message: 'no run 20250601T000000Z-00000000',
    });
  });

  it('does not stack a second waiting run under forbid: that fire is skipped, awaiting approval', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T01:59:30Z', [{ name: 'gated', schedule: '* * * * *', approval: { timeout: 86400 } }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:03:30Z');
    expect(scheduler.engine.awaitingApproval()).toHaveLength(1);
    expect(rowsOf(ctx, 'gated').slice(1)).toEqual([
      ['skipped', 'awaiting approval'],
      ['skipped', 'awaiting approval'],
      ['skipped', 'awaiting approval'],
    ]);
  });

  it('survives a restart: the next daemon still holds it, and approving it then runs it', async () => {
    const first = setup('2025-06-01T01:00:00Z', tasks);
    first.scheduler.start();
    await first.clock.advanceTo('2025-06-01T02:40:00Z');
    const stopping = first.scheduler.stop('the daemon stopped (SIGTERM)');
    await first.clock.advance(1000);
    await stopping;
    const second = fakeEngine('2025-06-01T02:50:00Z');
    second.ctx.store = first.ctx.store;
    const scheduler = new Scheduler(second.ctx, first.config);
    scheduler.start();
    const [waiting] = scheduler.engine.awaitingApproval();
    expect(waiting).toMatchObject({ task: 'execute', expires_at: Date.parse('2025-06-01T03:30:00Z') });
    scheduler.engine.decide(waiting?.run_id ?? '', 'approve', 'alice', null);
    await second.clock.advance(5000);
    expect(second.executor.spawns.map((s) => s.task)).toEqual(['execute', 'notify']);
  });
});

describe('a task with a budget', () => {
  it('skips fires once the runs of the UTC day are spent, and starts again after midnight', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T20:30:00Z', [{ name: 'hourly', schedule: '0 * * * *', budget: { max_runs_per_day: 2 } }]);
    scheduler.start();
    await clock.advanceTo('2025-06-02T01:30:00Z');
    expect(rowsOf(ctx, 'hourly')).toEqual([
      ['success', null],
      ['success', null],
      ['skipped', 'budget exhausted: 2 of 2 runs used today (UTC)'],
      ['success', null],
      ['success', null],
    ]);
  });

  it('counts runtime, never cuts a run going, and lets a run by hand through', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:30:00Z', [
      { name: 'long', schedule: '0 * * * *', command: 'sleep=2400000 exit=0', budget: { max_runtime_per_day: 3600 } },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T03:50:00Z');
    expect(rowsOf(ctx, 'long')).toEqual([
      ['success', null],
      ['success', null],
      ['skipped', 'budget exhausted: 1.3h of 1h runtime used today (UTC)'],
    ]);
    scheduler.engine.submit({ task: 'long', trigger: 'manual' });
    await clock.advance(1000);
    expect(ctx.store.history({ task: 'long', limit: 1 })[0]?.status).toBe('running');
  });

  it('takes the settings budget as the default and a changed budget at reload at once, counted from the history', async () => {
    const { scheduler, clock, ctx, config } = setup('2025-06-01T00:30:00Z', [{ name: 't', schedule: '0 * * * *' }], { budget: { max_runs_per_day: 1 } });
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:30:00Z');
    expect(rowsOf(ctx, 't').map((r) => r[0])).toEqual(['success', 'skipped']);
    scheduler.reload(withDefaults({ tasks: [{ name: 't', command: 'sleep=1000 exit=0', schedule: '0 * * * *', budget: { max_runs_per_day: 3 } }] as never, settings: { timezone: 'UTC' } }));
    await clock.advanceTo('2025-06-01T05:30:00Z');
    expect(rowsOf(ctx, 't').map((r) => r[0])).toEqual(['success', 'skipped', 'success', 'success', 'skipped']);
    void config;
  });
});

describe('a budget with concurrency_policy replace, and runs that wait', () => {
  it('a fire the budget skips does not stop the run going: the only run of the day goes on', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:59:00Z', [
      { name: 'rb', schedule: '*/30 * * * *', command: 'sleep=2400000 exit=0', concurrency_policy: 'replace', budget: { max_runs_per_day: 1 } },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:10:00Z');
    // 01:00 runs for 40 minutes; the 01:30 and 02:00 fires are over budget and cut nothing.
    expect(rowsOf(ctx, 'rb')).toEqual([
      ['success', null],
      ['skipped', 'budget exhausted: 1 of 1 runs used today (UTC)'],
      ['skipped', 'budget exhausted: 1 of 1 runs used today (UTC)'],
    ]);
  });

  it('a fire its dependencies skip does not stop the run going', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:59:00Z', [
      { name: 'dep' },
      { name: 'rd', schedule: '*/30 * * * *', command: 'sleep=2400000 exit=0', concurrency_policy: 'replace', dependencies: ['dep'] },
    ]);
    scheduler.start();
    scheduler.engine.submit({ task: 'dep', trigger: 'manual' });
    await clock.advanceTo('2025-06-01T01:50:00Z');
    // 01:00 runs (dep ran before it); 01:30 finds dep not run since 01:00: skipped, and 01:00's run goes on.
    expect(rowsOf(ctx, 'rd').map(([status]) => status)).toEqual(['success', 'skipped']);
  });

  it('an approved run replaces the run going when it is approved, not when it is asked for', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:59:00Z', [
      { name: 'ra', schedule: '*/30 * * * *', command: 'sleep=2400000 exit=0', concurrency_policy: 'replace', approval: { timeout: 86400 } },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T01:00:01Z');
    scheduler.engine.decide(scheduler.engine.awaitingApproval()[0]!.run_id, 'approve', 'alice', null);
    await clock.advanceTo('2025-06-01T01:30:01Z');
    expect(ctx.store.openRuns().map((r) => [r.task, r.state]).sort()).toEqual([['ra', 'awaiting_approval'], ['ra', 'running']]);
    scheduler.engine.decide(scheduler.engine.awaitingApproval()[0]!.run_id, 'approve', 'alice', null);
    await clock.advance(1000);
    expect(rowsOf(ctx, 'ra').filter(([status]) => status !== 'running')).toEqual([['interrupted', 'replaced by a newer fire (concurrency_policy replace)']]);
  });

  it('counts the runs admitted but not started yet: queued fires do not overrun max_runs_per_day', async () => {
    const { scheduler, clock, ctx } = setup(
      '2025-06-01T00:59:00Z',
      [
        { name: 'hog', schedule: '0 1 * * *', command: 'sleep=600000 exit=0' },
        { name: 'qb', schedule: '*/2 * * * *', command: 'sleep=1000 exit=0', concurrency_policy: 'allow', budget: { max_runs_per_day: 2 } },
      ],
      { max_concurrent_tasks: 1 },
    );
    scheduler.start();
    await clock.advanceTo('2025-06-01T01:20:00Z');
    const qb = rowsOf(ctx, 'qb');
    expect(qb.filter(([status]) => status === 'success')).toHaveLength(2);
    expect(qb.filter(([status]) => status !== 'success').every(([status, reason]) => status === 'skipped' && /^budget exhausted: 2 of 2 runs/.test(String(reason)))).toBe(true);
  });

  it('a run cancelled before it started used none of the budget', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:59:00Z', [
      { name: 'ab', schedule: '0 * * * *', approval: { timeout: 86400 }, budget: { max_runs_per_day: 1 } },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T01:00:01Z');
    expect(scheduler.engine.cancel(scheduler.engine.awaitingApproval()[0]!.run_id, 'cancelled by ops')).toBe(true);
    await clock.advanceTo('2025-06-01T02:00:01Z');
    expect(scheduler.engine.awaitingApproval()).toHaveLength(1); // the 02:00 fire was not held to a spent budget
  });
});

describe('a task with a budget, run by hand', () => {
  it('runs when a person asks (the CLI, the API, run --all) though the budget is spent, and counts those runs', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T20:30:00Z', [{ name: 'hourly', schedule: '0 * * * *', budget: { max_runs_per_day: 1 } }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T21:30:00Z');
    for (const trigger of ['manual', 'api', 'once'] as const) {
      scheduler.engine.request({ task: 'hourly', trigger });
      scheduler.engine.dispatch();
      await clock.advance(60_000);
    }
    await clock.advanceTo('2025-06-01T22:30:00Z');
    expect(ctx.store.history({ task: 'hourly', limit: 100 }).reverse().map((r) => [r.trigger, r.status, r.reason])).toEqual([
      ['schedule', 'success', null],
      ['manual', 'success', null],
      ['api', 'success', null],
      ['once', 'success', null],
      ['schedule', 'skipped', 'budget exhausted: 4 of 1 runs used today (UTC)'],
    ]);
  });
});

describe('retry rules', () => {
  it('does not retry an exit code listed as never retried, and says why', async () => {
    const { scheduler, clock, ctx, executor } = setup('2025-06-01T01:59:59Z', [
      { name: 'job', schedule: '0 2 * * *', command: 'exit=2', retry_count: 3, retry_delay: 1, no_retry_on_exit_codes: [2] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:05:00Z');
    expect(executor.spawns).toHaveLength(1);
    expect(rowsOf(ctx, 'job')).toEqual([['failed', 'exit code 2; exit code 2 is not retried']]);
  });

  it('retries only the listed codes, and a timeout unless retry_on_timeout is false', async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T01:59:59Z', [
      { name: 'heals', schedule: '0 2 * * *', command: 'exit=75', retry_count: 2, retry_delay: 1, retry_on_exit_codes: [75] },
      { name: 'slow', schedule: '0 2 * * *', command: 'sleep=10000 exit=0', timeout: 2, retry_count: 2, retry_delay: 1, retry_on_timeout: false },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:05:00Z');
    expect(executor.spawns.filter((s) => s.task === 'heals')).toHaveLength(3);
    expect(executor.spawns.filter((s) => s.task === 'slow')).toHaveLength(1);
  });
});

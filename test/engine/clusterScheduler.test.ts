// The scheduler as a node of a cluster drives it (fake clock, fake processes behind the real
// local executor): fires go through a gate that claims them, and the node leads or stands by.
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import type { DueFire, FireGate } from '../../src/engine/cronSource.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = Partial<Task> & { name: string };

/** A gate whose claims the test answers: each call waits until `answer` is called. */
class ManualGate implements FireGate {
  readonly asked: DueFire[][] = [];
  private answers: Array<(claimed: readonly DueFire[]) => void> = [];

  claim(fires: readonly DueFire[]): Promise<readonly DueFire[]> {
    this.asked.push([...fires]);
    return new Promise((resolve) => this.answers.push(resolve));
  }

  answer(pick: (fire: DueFire) => boolean = () => true): void {
    const resolve = this.answers.shift();
    const fires = this.asked[this.asked.length - this.answers.length - 1] ?? [];
    resolve?.(fires.filter(pick));
  }
}

function setup(tasks: TaskInput[], gate: FireGate | undefined = new ManualGate()) {
  const engine = fakeEngine('2025-06-01T02:00:00Z');
  const config = withDefaults({ tasks: tasks.map((t) => ({ command: 'sleep=0 exit=0', ...t })), settings: { timezone: 'UTC' } });
  const scheduler = new Scheduler(engine.ctx, config, { gate });
  return { ...engine, scheduler, gate: gate as ManualGate };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('when fires go through a gate', () => {
  it('asks the gate for each wake-up\'s fires and runs only what it claimed, once claimed', async () => {
    const { scheduler, clock, executor, gate, ctx } = setup([
      { name: 'a', schedule: '* * * * * *' },
      { name: 'b', schedule: '* * * * * *' },
    ]);
    scheduler.lead([]);
    await clock.advance(1000);
    expect(gate.asked.map((fires) => fires.map((f) => f.task))).toEqual([['a', 'b']]);
    expect(executor.spawns).toHaveLength(0); // nothing before the claim's answer
    gate.answer((fire) => fire.task === 'b');
    await clock.settle();
    expect(executor.spawns.map((s) => `${s.task} ${iso(s.at)}`)).toEqual(['b 2025-06-01T02:00:01.000Z']);
    // The fire refused here is not a row either: another node runs it (or ran it).
    expect(ctx.store.history({ limit: 10 }).map((r) => r.task)).toEqual(['b']);
  });

  it('hands nothing to the engine when the node stood down while the claim was out', async () => {
    const { scheduler, clock, executor, gate } = setup([{ name: 'a', schedule: '* * * * * *' }]);
    scheduler.lead([]);
    await clock.advance(1000);
    scheduler.standBy('the lease was lost');
    gate.answer();
    await clock.advance(3000);
    expect(executor.spawns).toHaveLength(0);
    expect(gate.asked).toHaveLength(1);
  });

  it('sends catch-up fires through the gate too', async () => {
    const { scheduler, clock, executor, gate, ctx } = setup([{ name: 'nightly', schedule: '0 1 * * *', catch_up: true }]);
    ctx.store.setWatermark('nightly', Date.parse('2025-05-31T01:00:00Z'));
    scheduler.lead([]);
    expect(gate.asked[0]?.map((f) => `${f.trigger} ${iso(f.fireAt)}`)).toEqual(['catch_up 2025-06-01T01:00:00.000Z']);
    gate.answer();
    await clock.settle();
    expect(executor.spawns.map((s) => s.task)).toEqual(['nightly']);
  });
});

describe('when a node stands by after leading', () => {
  it('stops firing, skips its runs that never started, lets a running one finish and leaves its retry to the next leader, with no downstream run', async () => {
    const { scheduler, clock, executor, ctx } = setup(
      [
        { name: 'long', command: 'sleep=60000 exit=1', retry_count: 2, retry_delay: 1 },
        { name: 'after_long', dependencies: ['long'] },
        { name: 'tick', schedule: '* * * * *', command: 'sleep=1000 exit=0', concurrency_policy: 'allow' },
      ],
      { claim: async (fires) => fires },
    );
    scheduler.lead([]);
    // A run that fails and would retry, and a pool so full that a third run waits for a slot.
    scheduler.engine.submit({ task: 'long', trigger: 'schedule', fireAt: clock.now() });
    for (let i = 0; i < 3; i++) scheduler.engine.submit({ task: 'tick', trigger: 'manual' });
    await clock.settle();
    expect(scheduler.engine.queuedCount).toBe(1);
    scheduler.standBy('this node lost the lease');
    await clock.advance(5 * 60_000);
    const rows = ctx.store.history({ limit: 50 });
    expect(rows.filter((r) => r.task === 'long').map((r) => `${r.attempt} ${r.status}`)).toEqual(['1 failed']);
    // Its retry is not run here and not given up: the run stays open with the retry's due time.
    const failedAt = Date.parse(rows.find((r) => r.task === 'long')?.finished_at as string);
    expect(ctx.store.openRuns().map((r) => [r.task, r.state, r.deadline])).toEqual([['long', 'retrying', failedAt + 1000]]);
    expect(rows.filter((r) => r.task === 'after_long')).toEqual([]);
    expect(rows.filter((r) => r.task === 'tick' && r.status === 'skipped').map((r) => r.reason)).toEqual(['not started: this node lost the lease']);
    // No fire after standing by: the minutely tick fired at 02:01, 02:02... never.
    expect(executor.spawns.filter((s) => s.task === 'tick' && s.at > Date.parse('2025-06-01T02:00:01Z'))).toEqual([]);
  });

  it('lets a run awaiting approval go without ending it, for the next leader to take over', async () => {
    const { scheduler, clock, ctx } = setup([{ name: 'deploy', schedule: '0 3 * * *', approval: { timeout: 3600, message: null } }], {
      claim: async (fires) => fires,
    });
    ctx.store.setWatermark('deploy', Date.parse('2025-06-01T02:00:00Z'));
    scheduler.lead([]);
    await clock.advanceTo('2025-06-01T03:00:01Z');
    expect(scheduler.engine.awaitingApproval().map((r) => r.task)).toEqual(['deploy']);
    scheduler.standBy('this node lost the lease');
    expect(scheduler.engine.awaitingApproval()).toEqual([]);
    expect(ctx.store.openRuns().map((r) => `${r.task} ${r.state}`)).toEqual(['deploy awaiting_approval']);
    // Leading again, it takes it back from its rows.
    scheduler.lead(ctx.store.openRuns());
    expect(scheduler.engine.awaitingApproval().map((r) => r.task)).toEqual(['deploy']);
  });

  it('leaves a run waiting to retry open with its due time, and runs the retry once it leads again', async () => {
    const { scheduler, clock, executor, ctx } = setup([{ name: 'flaky', command: 'sleep=0 exit=1', retry_count: 1, retry_delay: 60 }], {
      claim: async (fires) => fires,
    });
    scheduler.lead([]);
    const { run_id: runId } = scheduler.engine.submit({ task: 'flaky', trigger: 'manual' }) as { run_id: string };
    await clock.settle();
    const failedAt = executor.spawns[0]?.at as number; // it fails at once (sleep=0)
    scheduler.standBy('this node lost the lease');
    await clock.advance(120_000);
    // Not retried while it stands by, and not ended either.
    expect(executor.spawns.map((s) => s.task)).toEqual(['flaky']);
    expect(ctx.store.openRuns().map((r) => [r.run_id, r.state, r.deadline])).toEqual([[runId, 'retrying', failedAt + 60_000]]);
    // Leading again (no other node took it over), it runs the retry at once: it is past due.
    const ledAt = clock.now();
    scheduler.lead(ctx.store.openRuns());
    await clock.advance(0);
    expect(executor.spawns.map((s) => [s.task, s.at])).toEqual([
      ['flaky', failedAt],
      ['flaky', ledAt],
    ]);
    expect(ctx.store.history({ limit: 5 }).map((r) => `${r.run_id === runId} ${r.attempt} ${r.status}`)).toEqual(['true 2 failed', 'true 1 failed']);
    expect(ctx.store.openRuns()).toEqual([]);
  });

  it('fires again from its watermarks when it leads again', async () => {
    const { scheduler, clock, executor } = setup([{ name: 'tick', schedule: '*/10 * * * * *' }], { claim: async (fires) => fires });
    scheduler.lead([]);
    await clock.advance(20_000);
    scheduler.standBy('lost');
    await clock.advance(30_000);
    scheduler.lead([]);
    await clock.advance(20_000);
    expect(executor.spawns.map((s) => iso(s.at).slice(11, 19))).toEqual(['02:00:10', '02:00:20', '02:01:00', '02:01:10']);
  });
});

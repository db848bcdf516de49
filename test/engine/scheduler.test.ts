import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = Partial<Task> & { name: string };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function setup(start: string, tasks: TaskInput[], settings: Record<string, unknown> = {}) {
  const engine = fakeEngine(start);
  const config = withDefaults({
    tasks: tasks.map((t) => ({ command: 'sleep=0 exit=0', ...t })),
    settings: { timezone: 'UTC', ...settings },
  });
  const scheduler = new Scheduler(engine.ctx, config);
  return { ...engine, config, scheduler };
}

const iso = (ms: number) => new Date(ms).toISOString();
const spawnsOf = (spawns: { task: string; at: number }[], task: string) => spawns.filter((s) => s.task === task).map((s) => iso(s.at));
const skipsOf = (ctx: ReturnType<typeof fakeEngine>['ctx'], task: string) =>
  ctx.store.history({ task, limit: 1000 }).filter((r) => r.status === 'skipped').map((r) => r.reason);

describe('over a simulated fortnight through the autumn daylight-saving changes', () => {
  it('fires every task exactly at its instants: no double, no miss', async () => {
    const { scheduler, clock, executor } = setup('2025-10-20T00:00:00Z', [
      { name: 'quarter', schedule: '*/15 * * * *' },
      { name: 'ny_hourly', schedule: '0 * * * *', timezone: 'America/New_York' },
      { name: 'ny_0130', schedule: '30 1 * * *', timezone: 'America/New_York' },
      { name: 'berlin_0230', schedule: '30 2 * * *', timezone: 'Europe/Berlin' },
      { name: 'weekly', schedule: '0 3 * * 0' },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-11-03T06:00:00Z');
    const spawns = executor.spawns;
    expect(spawnsOf(spawns, 'quarter')).toHaveLength(14 * 96 + 6 * 4);
    // Real-time spacing: one fire per elapsed hour, the repeated hour of 2025-11-02 included.
    expect(spawnsOf(spawns, 'ny_hourly')).toHaveLength(14 * 24 + 6);
    const nov2 = spawnsOf(spawns, 'ny_hourly').filter((at) => at >= '2025-11-02T04:00' && at < '2025-11-03T05:00');
    expect(nov2).toHaveLength(25); // midnight to midnight local, a 25-hour day
    const ny = spawnsOf(spawns, 'ny_0130');
    expect(ny).toHaveLength(14);
    expect(ny).toContain('2025-11-02T05:30:00.000Z'); // 01:30 EDT, the first pass only
    expect(ny).not.toContain('2025-11-02T06:30:00.000Z');
    const berlin = spawnsOf(spawns, 'berlin_0230');
    expect(berlin).toHaveLength(15);
    expect(berlin).toContain('2025-10-26T00:30:00.000Z'); // 02:30 CEST, the first pass
    expect(berlin).not.toContain('2025-10-26T01:30:00.000Z'); // not again at 02:30 CET
    expect(spawnsOf(spawns, 'weekly')).toEqual(['2025-10-26T03:00:00.000Z', '2025-11-02T03:00:00.000Z']);
    for (const spawn of spawns) expect(new Date(spawn.at).getUTCSeconds()).toBe(0);
    const keys = spawns.map((s) => `${s.task}@${s.at}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('over the spring daylight-saving changes', () => {
  it('runs a fixed-time task of the skipped hour once, right after the jump', async () => {
    const { scheduler, clock, executor } = setup('2025-03-08T00:00:00Z', [
      { name: 'ny_0230', schedule: '30 2 * * *', timezone: 'America/New_York' },
      { name: 'ny_every_30', schedule: '*/30 * * * *', timezone: 'America/New_York' },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-03-11T00:00:00Z');
    const fixed = spawnsOf(executor.spawns, 'ny_0230');
    expect(fixed).toEqual(['2025-03-08T07:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
    // Real-time spacing: twice per elapsed hour; the local times 02:00 and 02:30 never happen.
    const every30 = spawnsOf(executor.spawns, 'ny_every_30');
    expect(every30).toHaveLength(72 * 2);
    expect(every30).toContain('2025-03-09T06:30:00.000Z'); // 01:30 EST
    expect(every30).toContain('2025-03-09T07:00:00.000Z'); // 03:00 EDT, half an hour later
  });
});

describe('when a task depends on one with no schedule', () => {
  it('counts the dependency fresh when its latest run succeeded after the previous fire, though it started before it', async () => {
    const { scheduler, clock, ctx, executor } = setup('2025-06-01T01:59:27Z', [
      { name: 'u', command: 'sleep=15000 exit=0' },
      { name: 'w', schedule: '*/10 * * * * *', dependencies: ['u'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T01:59:28Z');
    scheduler.engine.submit({ task: 'u', trigger: 'manual' });
    await clock.advanceTo('2025-06-01T01:59:50Z');
    // The :30 fire waited on u until :40; the :40 one found u's run (started :28) succeeded at :43,
    // after :30; so did the :50 one (after :40), by the letter of the rule.
    expect(skipsOf(ctx, 'w')).toEqual(['dependency u still running at the next fire']);
    expect(spawnsOf(executor.spawns, 'w')).toEqual(['2025-06-01T01:59:43.000Z', '2025-06-01T01:59:50.000Z']);
    await clock.advanceTo('2025-06-01T02:00:01Z');
    expect(skipsOf(ctx, 'w').sort()).toEqual(['dependency u did not run since 2025-06-01T01:59:50.000Z', 'dependency u still running at the next fire']);
  });
});

describe('when a task depends on another', () => {
  it('waits while the dependency runs, then runs', async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:00Z', [
      { name: 'scan', schedule: '0 2 * * *', command: 'sleep=120000 exit=0' },
      { name: 'analyze', schedule: '1 2 * * *', dependencies: ['scan'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T03:00:00Z');
    expect(spawnsOf(executor.spawns, 'analyze')).toEqual(['2025-06-01T02:02:00.000Z']);
  });

  it('skips the dependent with the reason when the dependency failed for good', async () => {
    const { scheduler, clock, executor, ctx } = setup('2025-06-01T00:00:00Z', [
      { name: 'scan', schedule: '0 2 * * *', command: 'exit=1', retry_count: 2, retry_delay: 60 },
      { name: 'analyze', schedule: '0 2 * * *', dependencies: ['scan'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T03:00:00Z');
    expect(spawnsOf(executor.spawns, 'scan')).toHaveLength(3);
    expect(spawnsOf(executor.spawns, 'analyze')).toEqual([]);
    expect(skipsOf(ctx, 'analyze')).toEqual(['dependency scan failed']);
  });

  it('skips the dependent when the dependency did not run in its period', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:00:00Z', [
      { name: 'scan', schedule: '0 2 * * 1' },
      { name: 'analyze', schedule: '0 3 * * *', dependencies: ['scan'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T04:00:00Z'); // a Sunday: scan's latest fire was before the daemon started
    expect(skipsOf(ctx, 'analyze')[0]).toMatch(/^dependency scan did not run since /);
  });

  it('skips the dependent at its next fire when the dependency is still running then', async () => {
    const { scheduler, clock, ctx, executor } = setup('2025-06-01T00:00:00Z', [
      { name: 'slow', schedule: '0 * * * *', command: 'sleep=5400000 exit=0', timeout: 7200 },
      { name: 'after', schedule: '5 * * * *', dependencies: ['slow'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:10:00Z');
    expect(skipsOf(ctx, 'after')).toContain('dependency slow still running at the next fire');
    expect(spawnsOf(executor.spawns, 'after')).toEqual([]);
  });

  it('skips the dependent of a disabled task, naming it', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:00:00Z', [
      { name: 'scan', schedule: '0 2 * * *', enabled: false },
      { name: 'analyze', schedule: '0 3 * * *', dependencies: ['scan'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T04:00:00Z');
    expect(skipsOf(ctx, 'analyze')).toEqual(['dependency scan is disabled']);
  });

  it('runs a chain of unscheduled tasks as one DAG run after the scheduled root', async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:00Z', [
      { name: 'root', schedule: '0 2 * * *', command: 'sleep=1000 exit=0' },
      { name: 'mid', dependencies: ['root'], command: 'sleep=1000 exit=0' },
      { name: 'leaf', dependencies: ['mid'] },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T03:00:00Z');
    const order = executor.spawns.map((s) => `${s.task}:${s.trigger}:${iso(s.at)}`);
    expect(order).toEqual([
      'root:schedule:2025-06-01T02:00:00.000Z',
      'mid:dependency:2025-06-01T02:00:01.000Z',
      'leaf:dependency:2025-06-01T02:00:02.000Z',
    ]);
  });
});

describe('when more tasks are due than may run at once', () => {
  it('never runs more than max_concurrent_tasks and starts them in DAG order', async () => {
    const tasks = ['e', 'd', 'c', 'b', 'a'].map((name) => ({ name, schedule: '0 2 * * *', command: 'sleep=10000 exit=0' }));
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:00Z', tasks, { max_concurrent_tasks: 2 });
    scheduler.start();
    await clock.advanceTo('2025-06-01T03:00:00Z');
    expect(executor.maxLive).toBe(2);
    expect(executor.spawns.map((s) => s.task)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(executor.spawns.map((s) => (s.at - Date.parse('2025-06-01T02:00:00Z')) / 1000)).toEqual([0, 0, 10, 10, 20]);
  });
});

describe('when a fire comes while the previous run still goes', () => {
  const long = { schedule: '* * * * *', command: 'sleep=90000 exit=0' };
  it('skips the extra fire under forbid, with the reason', async () => {
    const { scheduler, clock, ctx, executor } = setup('2025-06-01T00:00:30Z', [{ name: 'job', ...long }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:03:30Z');
    expect(spawnsOf(executor.spawns, 'job')).toEqual(['2025-06-01T00:01:00.000Z', '2025-06-01T00:03:00.000Z']);
    expect(skipsOf(ctx, 'job')).toEqual(['the previous run is still going (concurrency_policy forbid)']);
  });

  it('runs both under allow', async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:30Z', [{ name: 'job', ...long, concurrency_policy: 'allow' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:02:30Z');
    expect(spawnsOf(executor.spawns, 'job')).toHaveLength(2);
    expect(executor.maxLive).toBe(2);
  });

  it('stops the old run and starts the new one under replace', async () => {
    const { scheduler, clock, executor, ctx } = setup('2025-06-01T00:00:30Z', [{ name: 'job', ...long, concurrency_policy: 'replace' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:02:30Z');
    expect(spawnsOf(executor.spawns, 'job')).toEqual(['2025-06-01T00:01:00.000Z', '2025-06-01T00:02:00.000Z']);
    const first = ctx.store.history({ task: 'job', limit: 10 }).at(-1);
    expect(first?.status).toBe('interrupted');
    expect(first?.reason).toBe('replaced by a newer fire (concurrency_policy replace)');
  });
});

describe('when the wall clock steps', () => {
  it("doesn't fire a task many times when the clock jumps forward hours", async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:30Z', [{ name: 'minutely', schedule: '* * * * *' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:01:30Z');
    clock.step(5 * HOUR);
    await clock.advance(60_000);
    const fires = spawnsOf(executor.spawns, 'minutely');
    expect(fires[0]).toBe('2025-06-01T00:01:00.000Z');
    // One coalesced fire for the jump (within the 30 s wake cap), then the regular ones.
    expect(fires.length).toBeLessThanOrEqual(3);
    expect(fires.filter((f) => f.startsWith('2025-06-01T00:'))).toHaveLength(1);
  });

  it("doesn't schedule tasks twice when the system clock reverses", async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T00:00:30Z', [{ name: 'hourly', schedule: '0 * * * *' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:30:00Z');
    clock.step(-HOUR); // back to 01:30
    await clock.advance(2 * HOUR); // wall clock reaches 03:30
    expect(spawnsOf(executor.spawns, 'hourly')).toEqual([
      '2025-06-01T01:00:00.000Z',
      '2025-06-01T02:00:00.000Z',
      '2025-06-01T03:00:00.000Z',
    ]);
  });

  it('takes a step back of more than three hours as a correction and resumes firing', async () => {
    const { scheduler, clock, executor } = setup('2025-06-01T10:00:30Z', [{ name: 'hourly', schedule: '0 * * * *' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T11:30:00Z');
    clock.step(-DAY); // the clock was a day ahead
    await clock.advance(HOUR);
    expect(spawnsOf(executor.spawns, 'hourly')).toEqual(['2025-06-01T11:00:00.000Z', '2025-05-31T12:00:00.000Z']);
  });
});

describe('when the daemon was down over a fire', () => {
  async function downtime(catchUp: boolean) {
    const first = setup('2025-06-01T00:00:00Z', [{ name: 'nightly', schedule: '0 2 * * *', catch_up: catchUp }]);
    first.scheduler.start();
    await first.clock.advanceTo('2025-06-01T03:00:00Z');
    await first.scheduler.stop('test');
    // Same history, a new daemon two days later.
    const second = fakeEngine('2025-06-03T12:00:00Z');
    second.ctx.store = first.ctx.store;
    const scheduler = new Scheduler(second.ctx, first.config);
    scheduler.start();
    await second.clock.advance(1000);
    return second.executor.spawns.map((s) => `${s.trigger}@${iso(s.at)}`);
  }

  it('runs a catch_up task once at start-up', async () => {
    expect(await downtime(true)).toEqual(['catch_up@2025-06-03T12:00:00.000Z']);
  });

  it('catches up a fire missed in a downtime that came before the task ever fired', async () => {
    const first = setup('2025-06-01T10:00:00Z', [{ name: 'weekly', schedule: '0 3 * * 0', catch_up: true }]);
    first.scheduler.start();
    await first.clock.advance(1000);
    await first.scheduler.stop('test');
    const second = fakeEngine('2025-06-09T12:00:00Z'); // Sunday 2025-06-08 03:00 was missed
    second.ctx.store = first.ctx.store;
    new Scheduler(second.ctx, first.config).start();
    await second.clock.advance(1000);
    expect(second.executor.spawns.map((s) => `${s.trigger}@${iso(s.at)}`)).toEqual(['catch_up@2025-06-09T12:00:00.000Z']);
  });

  it('does not run a task without catch_up', async () => {
    expect(await downtime(false)).toEqual([]);
  });
});

describe('when the config is reloaded', () => {
  it('stops firing removed tasks and applies changed schedules, leaving running tasks alone', async () => {
    const { scheduler, clock, executor, config } = setup('2025-06-01T00:00:30Z', [
      { name: 'stays', schedule: '* * * * *', command: 'sleep=150000 exit=0', concurrency_policy: 'allow' },
      { name: 'goes', schedule: '* * * * *' },
    ]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:01:30Z');
    const next = withDefaults({
      tasks: [{ name: 'stays', command: 'sleep=150000 exit=0', schedule: '*/5 * * * *', concurrency_policy: 'allow' }],
      settings: { timezone: 'UTC' },
    });
    scheduler.reload(next);
    await clock.advanceTo('2025-06-01T00:06:30Z');
    expect(spawnsOf(executor.spawns, 'goes')).toEqual(['2025-06-01T00:01:00.000Z']);
    expect(spawnsOf(executor.spawns, 'stays')).toEqual(['2025-06-01T00:01:00.000Z', '2025-06-01T00:05:00.000Z']);
    void config;
  });
});

describe('when the daemon stops', () => {
  it('lets running tasks finish within shutdown_timeout', async () => {
    const { scheduler, clock, ctx } = setup('2025-06-01T00:00:30Z', [{ name: 'job', schedule: '* * * * *', command: 'sleep=5000 exit=0' }]);
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:01:01Z');
    const stopped = scheduler.stop('SIGTERM');
    await clock.advance(10_000);
    await stopped;
    expect(ctx.store.history({ task: 'job', limit: 5 }).map((r) => r.status)).toEqual(['success']);
  });

  it('stops runs still going at shutdown_timeout and records them interrupted', async () => {
    const { scheduler, clock, ctx } = setup(
      '2025-06-01T00:00:30Z',
      [{ name: 'job', schedule: '* * * * *', command: 'sleep=600000 exit=0 ignore-term', kill_grace: 2 }],
      { shutdown_timeout: 5 },
    );
    scheduler.start();
    await clock.advanceTo('2025-06-01T00:01:01Z');
    const stopped = scheduler.stop('the daemon stopped (SIGTERM)');
    await clock.advance(10_000);
    await stopped;
    const [row] = ctx.store.history({ task: 'job', limit: 5 });
    expect(row?.status).toBe('interrupted');
    expect(row?.exit_code).toBe(137);
  });
});

describe('a burst of due fires, split as the daemon splits it', () => {
  const burstSetup = () => {
    const engine = fakeEngine('2025-06-01T01:59:00Z');
    const names = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const config = withDefaults({
      tasks: names.map((name) => ({ name, command: 'sleep=1000 exit=0', schedule: '0 2 * * *' })),
      settings: { timezone: 'UTC', max_concurrent_tasks: 100 },
    });
    const deferred: (() => void)[] = [];
    const scheduler = new Scheduler(engine.ctx, config, { burst: { size: 8, defer: (fn) => void deferred.push(fn) } });
    const fireAt = Date.parse('2025-06-01T02:00:00Z');
    const recorded = () => names.filter((name) => engine.ctx.store.getWatermark(name) === fireAt);
    const started = () => engine.ctx.store.history({ limit: 100 }).filter((r) => r.trigger === 'schedule').map((r) => r.task).sort();
    return { ...engine, names, scheduler, deferred, recorded, started };
  };

  it('is recorded a chunk a turn, each fire in the commit of its task\'s watermark, the first processes started before the rest', async () => {
    const { scheduler, clock, executor, deferred, recorded, started, names } = burstSetup();
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:00Z');
    expect(recorded()).toEqual(names.slice(0, 8));
    expect(started()).toEqual(names.slice(0, 8));
    expect(executor.spawns.map((s) => s.task)).toEqual(names.slice(0, 8));
    expect(deferred).toHaveLength(1);
    deferred.shift()?.();
    await clock.advance(0);
    expect(recorded()).toEqual(names.slice(0, 16));
    deferred.shift()?.();
    await clock.advance(0);
    expect(recorded()).toEqual(names);
    expect(executor.spawns.map((s) => s.task)).toEqual(names);
    expect(deferred).toHaveLength(0);
  });

  it('is recorded whole when the daemon stops halfway through it, so no fire is lost', async () => {
    const { scheduler, clock, deferred, recorded, started, names } = burstSetup();
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:00Z');
    expect(recorded()).toHaveLength(8);
    const stopping = scheduler.stop('SIGTERM');
    expect(recorded()).toEqual(names);
    expect(started()).toEqual(names);
    for (const fn of deferred.splice(0)) fn(); // the turn that comes after the stop records nothing twice
    await clock.advance(2000);
    await stopping;
    expect(started()).toEqual(names);
  });

  it('goes back to the due fires of a chunk that could not be written, and runs them at the next wake', async () => {
    const { scheduler, clock, ctx, deferred, recorded, started, names } = burstSetup();
    scheduler.start();
    await clock.advanceTo('2025-06-01T02:00:00Z');
    const setWatermark = ctx.store.setWatermark.bind(ctx.store);
    let failures = 0;
    ctx.store.setWatermark = (task, at) => {
      if (task === 't10' && failures++ === 0) throw new Error('disk I/O error');
      setWatermark(task, at);
    };
    deferred.shift()?.();
    expect(recorded()).toEqual(names.slice(0, 8)); // none of the second chunk was committed
    expect(deferred).toHaveLength(0); // nor is the third tried now
    await clock.advance(1000);
    expect(recorded()).toEqual(names.slice(0, 16)); // the 12 fires left: a burst again
    deferred.shift()?.();
    expect(recorded()).toEqual(names);
    expect(started()).toEqual(names);
    expect(ctx.store.history({ limit: 100 }).filter((r) => r.status === 'skipped')).toEqual([]);
  });
});

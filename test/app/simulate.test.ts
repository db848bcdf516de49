// simulate runs the daemon's own scheduler on a simulated clock. This holds it to that: the
// daemon on a fake clock (real engine, real local executor over fake processes, SQLite history)
// and simulate (memory history, simulated attempts) over the same week give the same fires.
import { describe, expect, it } from 'vitest';
import { recordSimulation, type SimulatedFire } from '../../src/app/simulate/simulationLog.js';
import { simulate } from '../../src/app/simulate/simulate.js';
import { withDefaults } from '../../src/core/config/defaults.js';
import type { Task } from '../../src/core/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { fakeEngine } from '../fakes/engineContext.js';

type TaskInput = Partial<Task> & { name: string; ms: number };

const WEEK = [
  { name: 'scan', schedule: '0 2 * * *', ms: 40 * 60_000, timezone: 'Europe/Berlin' },
  { name: 'analyze', schedule: '30 2 * * *', dependencies: ['scan'], ms: 5 * 60_000, timezone: 'Europe/Berlin' },
  { name: 'report', dependencies: ['analyze'], ms: 60_000 },
  { name: 'quarter', schedule: '*/15 * * * *', ms: 20 * 60_000 },
  { name: 'weekly', schedule: '0 3 * * SUN', ms: 0, dependencies: ['nightly_off'] },
  { name: 'nightly_off', schedule: '0 1 * * *', ms: 0, enabled: false },
  { name: 'ny', schedule: '30 1 * * *', ms: 30 * 60_000, timezone: 'America/New_York' },
  { name: 'busy', schedule: '*/10 * * * *', ms: 4 * 60_000 },
  { name: 'busy_child', schedule: '*/10 * * * *', dependencies: ['busy'], ms: 0 },
] satisfies TaskInput[];

function configOf(tasks: TaskInput[], commands: 'fake' | 'plain') {
  return withDefaults({
    tasks: tasks.map(({ ms, ...task }) => ({ ...task, command: commands === 'fake' ? `sleep=${ms} exit=0` : 'true' })),
    settings: { timezone: 'UTC', max_concurrent_tasks: 2 },
  });
}

async function daemonWeek(tasks: TaskInput[], from: string, until: string): Promise<SimulatedFire[]> {
  const { ctx, clock } = fakeEngine(from);
  const fires: SimulatedFire[] = [];
  const log = recordSimulation(ctx.events, (fire) => fires.push(fire), () => clock.now());
  new Scheduler(ctx, configOf(tasks, 'fake')).start();
  await clock.advanceTo(until);
  log.flush();
  return fires;
}

async function simulatedWeek(tasks: TaskInput[], from: string, until: string, paused: string[] = []): Promise<SimulatedFire[]> {
  const fires: SimulatedFire[] = [];
  const ms = new Map(tasks.map((t) => [t.name, t.ms]));
  const pauses = new Map(paused.map((task) => [task, { at: Date.parse(from), actor: 'ops' }]));
  await simulate(
    { config: configOf(tasks, 'plain'), from: Date.parse(from), until: Date.parse(until), durationMs: (task) => ms.get(task) ?? 0, lastRuns: [], paused: pauses, home: '/home' },
    (fire) => fires.push(fire),
  );
  return fires;
}

const line = (f: SimulatedFire) =>
  `${new Date(f.at).toISOString()} ${f.task} ${f.trigger} [${f.waits_on.join(',')}] ${f.outcome}${f.reason ? `: ${f.reason}` : ''} ${f.start ?? '-'}..${f.end ?? '-'}`;

describe('simulate, against the daemon on a fake clock', () => {
  it('gives the same fires, line by line, over a week across the autumn DST change', async () => {
    const from = '2025-10-22T12:00:00Z';
    const until = '2025-10-29T12:00:00Z';
    const daemon = (await daemonWeek(WEEK, from, until)).map(line);
    const simulated = (await simulatedWeek(WEEK, from, until)).map(line);
    expect(daemon.length).toBeGreaterThan(1500);
    expect(simulated).toEqual(daemon);
  });

  it('shows every kind of line: waits, skips with their reasons, the repeated hour once', async () => {
    const fires = await simulatedWeek(WEEK, '2025-10-22T12:00:00Z', '2025-10-29T12:00:00Z');
    const analyze = fires.find((f) => f.task === 'analyze' && f.waits_on.includes('scan'));
    expect(analyze).toMatchObject({ outcome: 'run' });
    expect(fires.find((f) => f.task === 'weekly')).toMatchObject({ outcome: 'skipped', reason: 'dependency nightly_off is disabled' });
    expect(fires.filter((f) => f.task === 'report').every((f) => f.trigger === 'dependency')).toBe(true);
    const ny = fires.filter((f) => f.task === 'ny').map((f) => new Date(f.at).toISOString());
    expect(ny).toHaveLength(7);
    const scan = fires.filter((f) => f.task === 'scan').map((f) => new Date(f.at).toISOString());
    expect(scan).toContain('2025-10-26T00:00:00.000Z'); // 02:00 CEST, the first pass of the repeated hour
    expect(scan).not.toContain('2025-10-26T01:00:00.000Z'); // not again at 02:00 CET
  });

  it("skips a paused task's fires (reason paused) and its dependents with theirs", async () => {
    const tasks = [
      { name: 'up', schedule: '0 * * * *', ms: 60_000 },
      { name: 'down', schedule: '30 * * * *', dependencies: ['up'], ms: 0 },
      { name: 'other', schedule: '0 * * * *', ms: 0 },
    ];
    const fires = await simulatedWeek(tasks, '2025-06-01T00:30:00Z', '2025-06-01T02:45:00Z', ['up']);
    expect(fires.filter((f) => f.task === 'up').map((f) => [f.outcome, f.reason])).toEqual([
      ['skipped', 'paused'],
      ['skipped', 'paused'],
    ]);
    expect(fires.filter((f) => f.task === 'down' && f.outcome === 'run')).toEqual([]);
    expect(fires.filter((f) => f.task === 'other').map((f) => f.outcome)).toEqual(['run', 'run']);
  });

  it('skips an overlapping fire under forbid, given the durations, and shows a timeout as one', async () => {
    const tasks = [{ name: 'long', schedule: '0 * * * *', ms: 90 * 60_000, timeout: 7200 }];
    const fires = await simulatedWeek(tasks, '2025-06-01T00:30:00Z', '2025-06-01T04:30:00Z');
    expect(fires.map((f) => `${new Date(f.at).toISOString().slice(11, 16)} ${f.outcome}`)).toEqual([
      '01:00 run',
      '02:00 skipped',
      '03:00 run',
      '04:00 skipped',
    ]);
    expect(fires[1]?.reason).toBe('the previous run is still going (concurrency_policy forbid)');
    const short = await simulatedWeek([{ name: 'long', schedule: '0 * * * *', ms: 90 * 60_000, timeout: 600 }], '2025-06-01T00:30:00Z', '2025-06-01T01:30:00Z');
    expect(short.map((f) => [f.outcome, f.end !== null && f.start !== null ? (f.end - f.start) / 60_000 : null])).toEqual([['timeout', 10]]);
  });
});

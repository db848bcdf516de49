// simulate's fast path drives the same pure decisions as the engine without its bookkeeping; it
// must print exactly what the engine path prints. Many generated configs (seeded): every-minute
// and DST-affected schedules across the March and October/November switches, chains and
// diamonds of dependencies, durations longer than the interval, timeouts, disabled tasks, a
// small max_concurrent_tasks; both paths run, and their fires and printed output must match.
import { describe, expect, it } from 'vitest';
import { engineOnlyReason } from '../../src/app/simulate/fastPathFits.js';
import { simulate, type SimulationPath } from '../../src/app/simulate/simulate.js';
import type { SimulatedFire } from '../../src/app/simulate/simulationLog.js';
import { jsonPrinter, textPrinter } from '../../src/cli/render/simulation.js';
import { withDefaults } from '../../src/core/config/defaults.js';
import { formatInZone } from '../../src/core/schedule/cron.js';
import { seededRandom } from '../core/schedule/fires.js';
import type { Config, RunRecord } from '../../src/core/types.js';

/** A seeded generator, so a failing case can be run again by its seed. */
const random = seededRandom;

const SCHEDULES = ['*/5 * * * *', '*/15 * * * *', '0 * * * *', '30 * * * *', '30 2 * * *', '0 3 * * *', '15 1 * * *', '45 2 * * *', '0 2 * * 0', '0 0 1 * *', '0 */2 * * *', '*/30 1-3 * * *', '0 2,3 * * *'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
/** The DST switches of 2025: US spring, EU spring, EU autumn, US autumn. */
const WINDOWS = ['2025-03-08T12:00:00Z', '2025-03-29T12:00:00Z', '2025-10-25T06:00:00Z', '2025-11-01T12:00:00Z'];
const DURATIONS_MIN = [0, 0, 0, 1, 4, 10, 20, 45, 90, 200];

interface Case {
  seed: number;
  config: Config;
  durations: Map<string, number>;
  lastRuns: RunRecord[];
  from: number;
  until: number;
}

function generate(seed: number): Case {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const count = 3 + Math.floor(rnd() * 8);
  const tasks: Record<string, unknown>[] = [];
  const durations = new Map<string, number>();
  const everyMinute = rnd() < 0.3 ? Math.floor(rnd() * count) : -1;
  for (let i = 0; i < count; i++) {
    const name = `t${i}`;
    const scheduled = rnd() < 0.85;
    const task: Record<string, unknown> = { name, command: 'true' };
    if (scheduled) task.schedule = i === everyMinute ? '* * * * *' : pick(SCHEDULES);
    if (rnd() < 0.6) task.timezone = pick(ZONES);
    if (i > 0 && scheduled && rnd() < 0.5) {
      const deps = new Set([`t${Math.floor(rnd() * i)}`]);
      if (rnd() < 0.4) deps.add(`t${Math.floor(rnd() * i)}`); // diamonds when two share an upstream
      task.dependencies = [...deps];
    }
    if (rnd() < 0.12) task.enabled = false;
    if (rnd() < 0.25) task.concurrency_policy = 'allow';
    if (rnd() < 0.2) task.timeout = pick([60, 600, 1800]);
    tasks.push(task);
    durations.set(name, pick(DURATIONS_MIN) * 60_000 + (rnd() < 0.2 ? Math.floor(rnd() * 60_000) : 0));
  }
  const config = withDefaults({ tasks, settings: { timezone: pick(ZONES), max_concurrent_tasks: 1 + Math.floor(rnd() * 4) } } as never);
  const from = Date.parse(pick(WINDOWS)) + Math.floor(rnd() * 4) * 3_600_000;
  const lastRuns: RunRecord[] = [];
  for (const task of config.tasks) {
    if (rnd() < 0.3) {
      const started = from - Math.floor(rnd() * 48) * 3_600_000;
      lastRuns.push({
        run_id: `seed-${task.name}`,
        task: task.name,
        attempt: 1,
        trigger: 'schedule',
        status: pick(['success', 'success', 'failed', 'timeout'] as const),
        started_at: new Date(started).toISOString(),
        finished_at: new Date(started + 1000).toISOString(),
        exit_code: 0,
        signal: null,
        duration_ms: 1000,
        reason: null,
        worker: null,
      });
    }
  }
  return { seed, config, durations, lastRuns, from, until: from + (1 + Math.floor(rnd() * 2)) * 86_400_000 };
}

async function run(c: Case, path: SimulationPath): Promise<SimulatedFire[]> {
  const fires: SimulatedFire[] = [];
  const input = { config: c.config, from: c.from, until: c.until, durationMs: (t: string) => c.durations.get(t) ?? 0, lastRuns: c.lastRuns, home: '/home' };
  await simulate(input, (fire) => fires.push(fire), { path });
  return fires;
}

/** What the command prints for these fires (table and JSON), optionally for one task. */
function printed(c: Case, fires: SimulatedFire[], task?: string): { text: string; json: string } {
  let text = '';
  let json = '';
  const table = textPrinter(c.config, { from: c.from, until: c.until }, (s) => (text += s));
  const array = jsonPrinter(c.config, (s) => (json += s));
  for (const fire of fires) {
    if (task !== undefined && fire.task !== task) continue;
    table.fire(fire);
    array.fire(fire);
  }
  table.end();
  array.end();
  return { text, json };
}

const SEEDS = Array.from({ length: 70 }, (_, i) => i + 1);

describe('simulate fast path, against the engine path', () => {
  it('prints the same table and JSON, byte for byte, on generated configs across DST switches', async () => {
    let compared = 0;
    let fires = 0;
    // The fast path asks a schedule shared by several tasks once: cases where two share one.
    let shared = 0;
    for (const seed of SEEDS) {
      const c = generate(seed);
      if (engineOnlyReason(c.config, (t) => c.durations.get(t) ?? 0) !== null) continue;
      const engine = await run(c, 'engine');
      const fast = await run(c, 'fast');
      expect(fast.map((f) => JSON.stringify(f)), `seed ${seed}`).toEqual(engine.map((f) => JSON.stringify(f)));
      const task = c.config.tasks[seed % c.config.tasks.length]?.name;
      expect(printed(c, fast), `seed ${seed}`).toEqual(printed(c, engine));
      expect(printed(c, fast, task), `seed ${seed} --task ${task}`).toEqual(printed(c, engine, task));
      compared++;
      fires += engine.length;
      const clocks = c.config.tasks.filter((t) => t.enabled && t.schedule).map((t) => `${t.schedule} ${t.timezone ?? c.config.settings.timezone}`);
      if (new Set(clocks).size < clocks.length) shared++;
    }
    expect(compared).toBeGreaterThan(55);
    expect(fires).toBeGreaterThan(10_000);
    expect(shared).toBeGreaterThan(15);
  }, 240_000);
});

const plain = (tasks: Record<string, unknown>[]) => withDefaults({ tasks: tasks.map((t) => ({ command: 'true', ...t })), settings: {} } as never);
const A = { name: 'a', schedule: '0 * * * *' };

describe('which configs simulate runs on the engine path', () => {
  it.each([
    ['nothing: cron tasks, dependencies, disabled and allow tasks', [A, { name: 'b', schedule: '30 * * * *', dependencies: ['a'], concurrency_policy: 'allow' }, { name: 'c', enabled: false }], null],
    ['a task that needs approval', [{ ...A, approval: {} }], 'task a needs approval'],
    ['a task with a budget', [{ ...A, budget: { max_runs_per_day: 3 } }], 'task a has a budget'],
    ['concurrency_policy replace', [{ ...A, concurrency_policy: 'replace' }], 'task a has concurrency_policy replace'],
    ['an unscheduled task run after its dependencies', [A, { name: 'b', dependencies: ['a'] }], 'task b runs after its dependencies (a downstream trigger)'],
    ['a timed-out attempt that would be retried', [{ ...A, timeout: 60, retry_count: 2 }], 'task a would time out and be retried'],
  ])('%s', (_, tasks, reason) => {
    expect(engineOnlyReason(plain(tasks), () => 120_000)).toBe(reason);
  });

  it('runs a timed-out attempt on the fast path when it is not retried', () => {
    expect(engineOnlyReason(plain([{ ...A, timeout: 60, retry_count: 2, retry_on_timeout: false }]), () => 120_000)).toBeNull();
    expect(engineOnlyReason(plain([{ ...A, timeout: 60, retry_count: 2 }]), () => 30_000)).toBeNull();
  });

  it('gives a downstream-triggered task its dependency runs on the default path (the engine models them)', async () => {
    const config = plain([A, { name: 'b', dependencies: ['a'] }]);
    const from = Date.parse('2025-06-01T00:00:00Z');
    const fires: SimulatedFire[] = [];
    await simulate({ config, from, until: from + 3 * 3_600_000, durationMs: () => 0, lastRuns: [], home: '/home' }, (fire) => fires.push(fire));
    expect(fires.map((f) => `${f.task} ${f.trigger} ${f.outcome}`)).toEqual(['a schedule run', 'b dependency run', 'a schedule run', 'b dependency run', 'a schedule run', 'b dependency run']);
  });
});

describe('the JSON printer', () => {
  it('prints each fire as JSON.stringify would, instants in the task zone', () => {
    const config = plain([{ name: 'x"y', schedule: '0 * * * *', timezone: 'Europe/Berlin' }, { name: 'z', schedule: '0 * * * *' }]);
    const fires: SimulatedFire[] = [
      { at: Date.UTC(2025, 9, 26, 0), task: 'x"y', trigger: 'schedule', waits_on: [], outcome: 'run', reason: null, start: Date.UTC(2025, 9, 26, 0), end: Date.UTC(2025, 9, 26, 1, 30) },
      { at: Date.UTC(2025, 9, 26, 1), task: 'x"y', trigger: 'schedule', waits_on: ['z'], outcome: 'skipped', reason: 'dependency "z" \\ still running', start: null, end: null },
      { at: Date.UTC(2025, 9, 26, 1), task: 'z', trigger: 'schedule', waits_on: [], outcome: 'pending', reason: null, start: null, end: null },
    ];
    let json = '';
    const printer = jsonPrinter(config, (text) => (json += text));
    for (const fire of fires) printer.fire(fire);
    printer.end();
    const zone = (task: string) => (task === 'z' ? 'UTC' : 'Europe/Berlin');
    const expected = fires.map((f) => `  ${JSON.stringify({ ...f, at: formatInZone(f.at, zone(f.task)), start: f.start === null ? null : formatInZone(f.start, zone(f.task)), end: f.end === null ? null : formatInZone(f.end, zone(f.task)) })}`);
    expect(json).toBe(`[\n${expected.join(',\n')}\n]\n`);
    expect(JSON.parse(json)[0]).toMatchObject({ at: '2025-10-26T02:00:00+02:00', end: '2025-10-26T02:30:00+01:00' });
  });
});

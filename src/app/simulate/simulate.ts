// `simulate`: the daemon's own scheduler (Engine + CronSource, the same decision code) run on a
// simulated clock over a window, with nothing started: attempts take their expected durations
// (history medians, a file, or 0) and succeed. The history is in memory, seeded with each task's
// real last run so the first dependency gates decide as the daemon would. A config the fast path
// models (fastPathFits) takes it instead: the same decisions without the engine's bookkeeping,
// the same output, ~100x sooner.
import { createMemoryRunStore } from '../../adapters/memory/memoryRunStore.js';
import { utcDayStart } from '../../core/scheduler/budgetDecision.js';
import { SimulatedClock } from '../../adapters/simulatedClock.js';
import { createSimulatedExecutor } from '../../adapters/simulatedExecutor.js';
import type { Config, RunRecord } from '../../core/types.js';
import type { EngineContext } from '../../engine/context.js';
import { EventBus } from '../../engine/events.js';
import { Scheduler } from '../../engine/scheduler.js';
import { engineOnlyReason } from './fastPathFits.js';
import { fastSimulate } from './fastSimulate.js';
import { recordSimulation, type SimulatedFire } from './simulationLog.js';

export interface SimulationInput {
  config: Config;
  from: number;
  until: number;
  /** The expected duration of a task's attempt (ms). */
  durationMs: (task: string) => number;
  /** Each task's latest real run, from the history. */
  lastRuns: RunRecord[];
  /** What each task with a budget used of it on the UTC day the window opens, before it opens (the history's). */
  usedToday?: ReadonlyMap<string, { runs: number; runtimeSeconds: number }>;
  /** The tasks paused now (persisted by the daemon): their fires are skipped, `paused`. */
  paused?: ReadonlyMap<string, { at: number; actor: string }>;
  home: string;
}

/** Which driver runs the window: `auto` takes the fast path whenever it models the config. */
export type SimulationPath = 'auto' | 'engine' | 'fast';

export interface SimulationOptions {
  path?: SimulationPath;
  /** Asked between batches of fires: a promise to wait for while the output is backed up (the fast path runs otherwise without a pause). */
  outputReady?: () => Promise<void> | null;
}

/** Runs the window; `emit` gets every fire in the order of its instant, as soon as it is final. */
export async function simulate(input: SimulationInput, emit: (fire: SimulatedFire) => void, options: SimulationOptions = {}): Promise<void> {
  const path = options.path ?? 'auto';
  if (path === 'fast' || (path === 'auto' && engineOnlyReason(input.config, input.durationMs, input.paused) === null)) await fastSimulate(input, emit, options.outputReady);
  else await simulateWithEngine(input, emit);
}

/** The reference: the daemon's Engine and CronSource on a simulated clock. */
export async function simulateWithEngine(input: SimulationInput, emit: (fire: SimulatedFire) => void): Promise<void> {
  const clock = new SimulatedClock(input.from);
  const store = createMemoryRunStore({ keep: 1000 });
  for (const run of input.lastRuns) store.seedLastRun(run);
  for (const [task, used] of input.usedToday ?? []) store.seedUsage(task, utcDayStart(input.from), input.from, used);
  for (const [task, pause] of input.paused ?? []) store.setPaused(task, pause);
  const silent = () => {};
  const events = new EventBus((error) => {
    throw error;
  });
  const ctx: EngineContext = {
    executor: createSimulatedExecutor(clock, input.durationMs),
    store,
    health: { write: silent, read: () => null, flush: async () => {} },
    taskLog: {
      openAttempt: (header) => ({ fd: -1, path: `${header.task}.log`, direct: true }),
      close: silent,
      lastWrite: () => null,
      finishLeftover: () => false,
      hasFinished: () => false,
      appendFinished: async () => 0,
      path: (task) => `${task}.log`,
    },
    logger: { debug: silent, info: silent, warn: silent, error: silent, flush: silent },
    clock,
    events,
    home: input.home,
    source: 'daemon',
  };
  const log = recordSimulation(events, emit, () => clock.now());
  const scheduler = new Scheduler(ctx, input.config, { wakeCapMs: Number.POSITIVE_INFINITY });
  scheduler.start();
  await clock.runUntil(input.until);
  log.flush();
}

/** The median of a task's recent successful durations (ms), or null when it has none. */
export function medianDuration(runs: RunRecord[]): number | null {
  const durations = runs
    .filter((r) => r.status === 'success' && r.duration_ms !== null)
    .map((r) => r.duration_ms as number)
    .sort((a, b) => a - b);
  if (durations.length === 0) return null;
  const middle = durations.length >> 1;
  return durations.length % 2 === 1 ? (durations[middle] as number) : Math.round(((durations[middle - 1] as number) + (durations[middle] as number)) / 2);
}

// `simulate` on a home: the config, expected durations (a --durations file, else the medians of
// the history, else 0), each task's last run and the tasks paused now, then the simulation itself.
import fs from 'node:fs';
import { isLiveProcess } from '../../adapters/process/procfs.js';
import { utcDayStart } from '../../core/scheduler/budgetDecision.js';
import { openRunStore } from '../../adapters/sqlite/sqliteRunStore.js';
import { ConductorError } from '../../core/errors.js';
import type { Config, RunRecord } from '../../core/types.js';
import type { StoredRun } from '../../ports/runStore.js';
import { loadConfig } from '../loadConfig.js';
import type { HomePaths } from '../paths.js';
import { medianDuration, simulate, type SimulationOptions } from './simulate.js';
import type { SimulatedFire } from './simulationLog.js';

/** How many of a task's latest runs its median duration is taken over. */
const MEDIAN_OVER = 20;

export interface SimulateOptions {
  from: number;
  until: number;
  durationsFile?: string;
  /** The config, when the caller has loaded it already. */
  config?: Config;
  /** Told what the simulation does not model that holds for this window (a run going now). */
  note?: (text: string) => void;
}

export async function simulateHome(paths: HomePaths, options: SimulateOptions, emit: (fire: SimulatedFire) => void, run: SimulationOptions = {}): Promise<void> {
  const config = options.config ?? loadConfig(paths.config).config;
  const fromFile = options.durationsFile === undefined ? null : readDurations(options.durationsFile, new Set(config.tasks.map((t) => t.name)));
  const medians = new Map<string, number>();
  const lastRuns: RunRecord[] = [];
  const usedToday = new Map<string, { runs: number; runtimeSeconds: number }>();
  let paused = new Map<string, { at: number; actor: string }>();
  const store = openRunStore(paths.database, { create: false });
  try {
    paused = store.pausedTasks();
    for (const task of config.tasks) {
      const recent = store.history({ task: task.name, limit: MEDIAN_OVER * 3 }).filter((r) => r.status === 'success').slice(0, MEDIAN_OVER);
      const median = medianDuration(recent);
      if (median !== null) medians.set(task.name, median);
    }
    // As they were when the window opens: a window already in the history must not see its own
    // future (a dependency's real failure later on skipping a dependent the window shows earlier).
    lastRuns.push(...store.lastRuns(config.tasks.map((t) => t.name), options.from).values());
    // A budget goes on from what the day used before the window opens (the daemon counts it so).
    for (const task of config.tasks) if (task.budget) usedToday.set(task.name, store.usageSince(task.name, utcDayStart(options.from), options.from));
    if (options.note && options.until > Date.now()) for (const text of runsGoing(store.openRuns(), config)) options.note(text);
  } finally {
    store.close();
  }
  const durationMs = (task: string) => (fromFile ? (fromFile.get(task) ?? 0) : (medians.get(task) ?? 0));
  await simulate({ config, from: options.from, until: options.until, durationMs, lastRuns, usedToday, paused, home: paths.home }, emit, run);
}

/**
 * The runs going now (their conductor alive): the simulation starts its window with nothing
 * running, so a task's fires while such a run goes (and its dependents') may go otherwise.
 */
function runsGoing(open: StoredRun[], config: Config): string[] {
  const known = new Set(config.tasks.map((t) => t.name));
  return open
    .filter((run) => known.has(run.task) && (run.owner_pid === null || isLiveProcess(run.owner_pid, run.owner_start)))
    .map(
      (run) =>
        `note: ${run.task} has a run ${run.state} now (run ${run.run_id}, since ${new Date(run.requested_at).toISOString()}); ` +
        'the simulation starts with nothing running, so its fires and its dependents may not go as shown while that run lasts',
    );
}

/** `{"task": seconds}`; every name must be a task of the config. */
function readDurations(file: string, tasks: Set<string>): Map<string, number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConductorError('USAGE', `--durations: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConductorError('USAGE', `--durations: ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConductorError('USAGE', `--durations: ${file} must be an object of task names to seconds, e.g. {"inventory_scan": 120}`);
  }
  const durations = new Map<string, number>();
  const problems: { where: string; message: string }[] = [];
  for (const [task, seconds] of Object.entries(value)) {
    if (!tasks.has(task)) problems.push({ where: `/${task}`, message: `no task named "${task}" in the config` });
    else if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) problems.push({ where: `/${task}`, message: 'must be a number of seconds, 0 or more' });
    else durations.set(task, Math.round(seconds * 1000));
  }
  if (problems.length > 0) throw new ConductorError('USAGE', `--durations: ${file}: ${problems.length} problem(s):`, { problems });
  return durations;
}

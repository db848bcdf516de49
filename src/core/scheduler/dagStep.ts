// A set of tasks run once in DAG order (`run --all`, `run --task X --with-deps`, an API run with
// its upstream): which tasks become ready as others end, and which are skipped because a
// dependency did not succeed (the skip cascades down the chain). Pure bookkeeping, no I/O.
import type { RunStatus } from '../types.js';
import { statusWords } from './statusWords.js';

export interface DagPlan {
  /** The selected tasks, dependencies first, each with its dependencies. */
  tasks: ReadonlyArray<{ name: string; dependencies: readonly string[] }>;
  /** Names outside the selection that a dependency may name, with why they will not run ("is disabled"). */
  unavailable: ReadonlyMap<string, string>;
}

export interface DagState {
  waitingOn: Map<string, number>;
  dependents: Map<string, string[]>;
  settled: Map<string, RunStatus>;
}

export interface DagStep {
  /** Tasks whose dependencies have all succeeded, in DAG order. */
  ready: string[];
  /** Tasks that will not run, with why, in the order decided. */
  skipped: { task: string; reason: string }[];
}

/** The first step: the tasks with nothing to wait for, and those blocked from the start. */
export function startDag(plan: DagPlan): { state: DagState; step: DagStep } {
  const selected = new Set(plan.tasks.map((t) => t.name));
  const state: DagState = { waitingOn: new Map(), dependents: new Map(), settled: new Map() };
  const step: DagStep = { ready: [], skipped: [] };
  const blocked: { task: string; reason: string }[] = [];
  for (const task of plan.tasks) {
    let count = 0;
    let why: string | null = null;
    for (const dependency of task.dependencies) {
      const unavailable = plan.unavailable.get(dependency);
      if (unavailable) why ??= `dependency ${dependency} ${unavailable}`;
      if (!selected.has(dependency)) continue; // outside the selection: not ours to wait for
      count++;
      const list = state.dependents.get(dependency) ?? [];
      list.push(task.name);
      state.dependents.set(dependency, list);
    }
    state.waitingOn.set(task.name, count);
    if (why) blocked.push({ task: task.name, reason: why });
    else if (count === 0) step.ready.push(task.name);
  }
  for (const { task, reason } of blocked) mergeStep(step, settleDag(state, task, 'skipped', reason));
  return { state, step };
}

/**
 * `name` ended with `status` (`reason` when it is skipped here): its dependents become ready when
 * it was their last dependency, or are skipped (and theirs after them) when it did not succeed.
 */
export function settleDag(state: DagState, name: string, status: RunStatus, reason?: string): DagStep {
  const step: DagStep = { ready: [], skipped: [] };
  const pending: { task: string; status: RunStatus; reason?: string }[] = [{ task: name, status, reason }];
  while (pending.length > 0) {
    const { task, status: ended, reason: why } = pending.shift() as { task: string; status: RunStatus; reason?: string };
    if (state.settled.has(task)) continue;
    state.settled.set(task, ended);
    if (ended === 'skipped' && why !== undefined) step.skipped.push({ task, reason: why });
    for (const dependent of state.dependents.get(task) ?? []) {
      if (state.settled.has(dependent)) continue;
      if (ended !== 'success') {
        pending.push({ task: dependent, status: 'skipped', reason: `dependency ${task} ${statusWords(ended)}` });
        continue;
      }
      const left = (state.waitingOn.get(dependent) ?? 1) - 1;
      state.waitingOn.set(dependent, left);
      if (left === 0) step.ready.push(dependent);
    }
  }
  return step;
}

function mergeStep(into: DagStep, from: DagStep): void {
  into.ready.push(...from.ready);
  into.skipped.push(...from.skipped);
}

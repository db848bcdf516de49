// Runs a set of tasks once, in dependency order, up to `maxConcurrent` at a time: what
// `run --all` and `run --task X --with-deps` do. A task whose dependency did not succeed is
// recorded `skipped` with the reason; independent branches go on.
import { newRunId } from '../core/run/runId.js';
import type { Task, Trigger } from '../core/types.js';
import type { EngineContext } from './context.js';
import { TaskRun, type RunResult } from './taskRun.js';

export interface DagOutcome {
  task: string;
  run_id: string | null;
  status: RunResult['status'] | 'skipped';
  reason: string | null;
  exit_code: number | null;
}

export interface DagRunOptions {
  /** The tasks to run, dependencies first. */
  tasks: Task[];
  /** Names outside `tasks` that dependencies may name, with why they will not run (e.g. disabled). */
  unavailable: Map<string, string>;
  maxConcurrent: number;
  trigger: Trigger;
}

export class DagRun {
  readonly done: Promise<DagOutcome[]>;
  private readonly running = new Set<TaskRun>();
  private stoppedBy: string | null = null;
  private wake: () => void = () => {};

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: DagRunOptions,
  ) {
    this.done = this.execute();
  }

  /** Stops every running task (SIGTERM, then SIGKILL after its grace) and starts no more. */
  interrupt(reason: string): void {
    this.stoppedBy ??= reason;
    for (const run of this.running) run.interrupt(reason);
    this.wake();
  }

  kill(): void {
    for (const run of this.running) run.kill();
  }

  private async execute(): Promise<DagOutcome[]> {
    const { tasks, unavailable, maxConcurrent, trigger } = this.options;
    const outcomes = new Map<string, DagOutcome>();
    const selected = new Map(tasks.map((task) => [task.name, task]));
    const order = new Map(tasks.map((task, index) => [task.name, index]));
    const waitingOn = new Map<string, number>();
    const dependents = new Map<string, string[]>();
    const ready: Task[] = [];
    const toSkip: [Task, string][] = [];

    for (const task of tasks) {
      let count = 0;
      let blocked: string | null = null;
      for (const dependency of task.dependencies) {
        const why = unavailable.get(dependency);
        if (why) blocked ??= `dependency ${dependency} ${why}`;
        if (!selected.has(dependency)) continue; // outside the selection: not ours to wait for
        count++;
        dependents.set(dependency, [...(dependents.get(dependency) ?? []), task.name]);
      }
      waitingOn.set(task.name, count);
      if (blocked) toSkip.push([task, blocked]);
      else if (count === 0) ready.push(task);
    }

    // Settles one task and releases (or skips) whatever waited on it, in DAG order.
    const settle = (name: string, outcome: DagOutcome) => {
      if (outcomes.has(name)) return;
      outcomes.set(name, outcome);
      for (const dependentName of dependents.get(name) ?? []) {
        const dependent = selected.get(dependentName) as Task;
        if (outcomes.has(dependentName)) continue;
        if (outcome.status !== 'success') {
          toSkip.push([dependent, `dependency ${name} ${describe(outcome.status)}`]);
          continue;
        }
        const left = (waitingOn.get(dependentName) ?? 1) - 1;
        waitingOn.set(dependentName, left);
        if (left === 0) insertByOrder(ready, dependent, order);
      }
    };

    const inFlight = new Set<Promise<void>>();
    for (;;) {
      while (toSkip.length > 0) {
        const [task, reason] = toSkip.shift() as [Task, string];
        if (!outcomes.has(task.name)) settle(task.name, this.skip(task, trigger, reason));
      }
      while (!this.stoppedBy && ready.length > 0 && this.running.size < maxConcurrent) {
        const task = ready.shift() as Task;
        if (outcomes.has(task.name)) continue;
        const run = new TaskRun(this.ctx, { task, trigger, fireAt: null });
        this.running.add(run);
        const settled: Promise<void> = run.done.then((result) => {
          this.running.delete(run);
          inFlight.delete(settled);
          settle(task.name, { task: task.name, run_id: result.run_id, status: result.status, reason: result.reason, exit_code: result.exit_code });
        });
        inFlight.add(settled);
      }
      if (toSkip.length > 0) continue;
      if (inFlight.size === 0) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void Promise.race(inFlight).then(() => resolve());
      });
    }
    for (const task of tasks) {
      if (!outcomes.has(task.name)) {
        const reason = this.stoppedBy ? `not started: ${this.stoppedBy}` : 'not started';
        outcomes.set(task.name, this.skip(task, trigger, reason));
      }
    }
    return tasks.map((task) => outcomes.get(task.name) as DagOutcome);
  }

  private skip(task: Task, trigger: Trigger, reason: string): DagOutcome {
    const runId = newRunId(this.ctx.clock.now());
    this.ctx.store.recordSkip({ run_id: runId, task: task.name, trigger, at: this.ctx.clock.now(), fire_at: null, reason });
    this.ctx.onEvent?.({ type: 'skipped', task: task.name, run_id: runId, reason });
    this.ctx.logger.info({ task: task.name, run_id: runId, reason }, 'skipped');
    return { task: task.name, run_id: runId, status: 'skipped', reason, exit_code: null };
  }
}

function describe(status: DagOutcome['status']): string {
  switch (status) {
    case 'timeout':
      return 'timed out';
    case 'skipped':
      return 'was skipped';
    case 'interrupted':
      return 'was interrupted';
    default:
      return status;
  }
}

function insertByOrder(queue: Task[], task: Task, order: Map<string, number>): void {
  const rank = order.get(task.name) ?? 0;
  let i = queue.length;
  while (i > 0 && (order.get((queue[i - 1] as Task).name) ?? 0) > rank) i--;
  queue.splice(i, 0, task);
}

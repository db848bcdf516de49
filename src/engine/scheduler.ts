// The daemon's scheduling loop over the ports: one timer for the next due fire (re-armed at
// least every WAKE_CAP_MS so a wall-clock step is noticed), dependency waits and skips,
// the concurrency limit and policies, downstream triggers, and the drain on shutdown.
import { dependentsIndex } from '../core/dag/closure.js';
import { topoOrder } from '../core/dag/topoOrder.js';
import { newRunId } from '../core/run/runId.js';
import { compileSchedule, resolveTimezone, type Schedule } from '../core/schedule/cron.js';
import { startDecision } from '../core/scheduler/catchUp.js';
import { cursorAfterStepBack, dueFire } from '../core/scheduler/dueFire.js';
import { gateDependencies, statusWords, type DependencyView } from '../core/scheduler/gateDependencies.js';
import type { Config, RunStatus, Task, Trigger } from '../core/types.js';
import type { EngineContext } from './context.js';
import { TaskRun, type RunResult } from './taskRun.js';

export const WAKE_CAP_MS = 30_000;

interface Fire {
  task: string;
  fireAt: number | null;
  trigger: Trigger;
  /** Waiting on a dependency: give up at this instant (the task's next fire). */
  deadline: number | null;
}

interface TaskState {
  task: Task;
  schedule: Schedule | null;
  order: number;
  cursor: number;
  nextAt: number | null;
  runs: Set<TaskRun>;
  waiting: Fire[];
  queued: number;
}

export interface SchedulerHooks {
  /** A run ended (after all its attempts); for notifications. */
  onRunEnd?: (result: RunResult, previous: RunResult['status'] | null) => void;
}

export class Scheduler {
  private states = new Map<string, TaskState>();
  private dependents = new Map<string, string[]>();
  private queue: Fire[] = [];
  private running = 0;
  private cancelTimer: (() => void) | null = null;
  private stopping: string | null = null;
  private lastStatus = new Map<string, RunResult['status']>();
  private idle: Array<() => void> = [];

  constructor(
    private readonly ctx: EngineContext,
    private config: Config,
    private readonly hooks: SchedulerHooks = {},
  ) {}

  /** Loads cursors from the watermarks, runs missed fires of catch_up tasks, arms the timer. */
  start(): void {
    const now = this.ctx.clock.now();
    this.states = this.buildStates(this.config, new Map());
    const catchUps: Fire[] = [];
    for (const state of this.states.values()) {
      const last = this.ctx.store.lastRun(state.task.name);
      if (last && last.status !== 'running') this.lastStatus.set(state.task.name, last.status as RunResult['status']);
      if (!state.schedule || !state.task.enabled) continue;
      const watermark = this.ctx.store.getWatermark(state.task.name);
      // A task this home never scheduled before: everything up to now counts as dealt with, so a
      // later downtime over its first fire is still caught up.
      if (watermark === null) this.ctx.store.setWatermark(state.task.name, now);
      const decision = startDecision(state.schedule, watermark, state.task.catch_up, now);
      state.cursor = cursorAfterStepBack(decision.cursor, now);
      state.nextAt = state.schedule.next(state.cursor);
      if (decision.kind === 'catch_up') {
        this.ctx.store.setWatermark(state.task.name, decision.fireAt);
        catchUps.push({ task: state.task.name, fireAt: decision.fireAt, trigger: 'catch_up', deadline: state.nextAt });
      }
    }
    for (const fire of this.inOrder(catchUps)) this.fire(fire);
    this.dispatch();
    this.arm();
  }

  /** Applies a new (already valid) config; running tasks are not touched. */
  reload(config: Config): void {
    const now = this.ctx.clock.now();
    const previous = this.states;
    this.config = config;
    this.states = this.buildStates(config, previous);
    for (const [name, old] of previous) {
      if (this.states.has(name)) continue;
      for (const fire of old.waiting) this.recordSkip(fire, 'the task was removed from the config');
    }
    this.queue = this.queue.filter((fire) => {
      if (this.states.has(fire.task)) return true;
      this.recordSkip(fire, 'the task was removed from the config');
      return false;
    });
    for (const state of this.states.values()) {
      const old = previous.get(state.task.name);
      const sameTiming =
        old && old.task.schedule === state.task.schedule && old.task.timezone === state.task.timezone && old.task.enabled;
      state.cursor = old ? (sameTiming ? old.cursor : Math.max(old.cursor, now)) : now;
      state.nextAt = state.schedule && state.task.enabled ? state.schedule.next(state.cursor) : null;
    }
    this.dispatch();
    this.arm();
  }

  /** Stops firing; lets runs finish up to `shutdown_timeout`, then stops them. */
  async stop(reason: string): Promise<void> {
    this.stopping = reason;
    this.cancelTimer?.();
    for (const state of this.states.values()) {
      for (const fire of state.waiting.splice(0)) this.recordSkip(fire, `not started: ${reason}`);
    }
    for (const fire of this.queue.splice(0)) this.recordSkip(fire, `not started: ${reason}`);
    const runs = () => [...this.states.values()].flatMap((s) => [...s.runs]).concat(this.orphanRuns);
    for (const run of runs()) run.stopRetrying(reason);
    if (runs().length === 0) return;
    const drained = this.whenIdle();
    let timer: (() => void) | null = null;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.ctx.clock.at(this.ctx.clock.now() + this.config.settings.shutdown_timeout * 1000, () => resolve(true));
    });
    const late = await Promise.race([drained.then(() => false), timedOut]);
    (timer as (() => void) | null)?.();
    if (late) {
      for (const run of runs()) run.interrupt(`interrupted: ${reason}`);
      await drained;
    }
  }

  /** Runs that belong to tasks removed by a reload, still finishing. */
  private orphanRuns: TaskRun[] = [];

  get activeRuns(): number {
    return this.running;
  }

  /** The next instant the scheduler has something to do (for the banner and tests). */
  upcoming(count: number): { task: string; at: number }[] {
    const list: { task: string; at: number }[] = [];
    for (const state of this.states.values()) {
      let at = state.nextAt;
      for (let i = 0; i < count && at !== null && state.schedule; i++) {
        list.push({ task: state.task.name, at });
        at = state.schedule.next(at);
      }
    }
    return list.sort((a, b) => a.at - b.at).slice(0, count);
  }

  private buildStates(config: Config, previous: Map<string, TaskState>): Map<string, TaskState> {
    const order = new Map(topoOrder(config.tasks).map((name, index) => [name, index]));
    this.dependents = dependentsIndex(config.tasks);
    const states = new Map<string, TaskState>();
    for (const task of config.tasks) {
      const old = previous.get(task.name);
      const zone = resolveTimezone(task.timezone, config.settings.timezone);
      states.set(task.name, {
        task,
        schedule: task.schedule ? compileSchedule(task.schedule, zone) : null,
        order: order.get(task.name) ?? 0,
        cursor: old?.cursor ?? this.ctx.clock.now(),
        nextAt: null,
        runs: old?.runs ?? new Set(),
        waiting: old?.waiting ?? [],
        queued: old?.queued ?? 0,
      });
    }
    for (const [name, old] of previous) if (!states.has(name)) this.orphanRuns.push(...old.runs);
    return states;
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.stopping) return;
    const now = this.ctx.clock.now();
    let at = now + WAKE_CAP_MS;
    for (const state of this.states.values()) {
      if (state.nextAt !== null && state.nextAt < at) at = state.nextAt;
      for (const fire of state.waiting) if (fire.deadline !== null && fire.deadline < at) at = fire.deadline;
    }
    this.cancelTimer = this.ctx.clock.at(at, () => this.wake());
  }

  /** The timer fired: expire dependency waits, then fire every task that is due. */
  private wake(): void {
    if (this.stopping) return;
    // One commit for the whole burst (watermarks, skips, attempt rows): with 100 tasks due on
    // one second, separate commits were most of the time to the last spawn. The processes
    // themselves start after the commit (TaskRun starts them in a later microtask).
    this.ctx.store.batch(() => this.fireDue());
    this.arm();
  }

  private fireDue(): void {
    const now = this.ctx.clock.now();
    for (const state of this.states.values()) {
      state.waiting = state.waiting.filter((fire) => {
        if (fire.deadline === null || fire.deadline > now) return true;
        const on = state.task.dependencies.find((d) => this.isActive(d)) ?? state.task.dependencies[0];
        this.recordSkip(fire, `dependency ${on} still running at the next fire`);
        return false;
      });
    }
    const due: Fire[] = [];
    for (const state of this.states.values()) {
      if (!state.schedule || !state.task.enabled) continue;
      state.cursor = cursorAfterStepBack(state.cursor, now);
      const fireAt = dueFire(state.schedule, state.cursor, now);
      if (fireAt !== null) {
        state.cursor = fireAt;
        this.ctx.store.setWatermark(state.task.name, fireAt);
        due.push({ task: state.task.name, fireAt, trigger: 'schedule', deadline: state.schedule.next(fireAt) });
      }
      state.nextAt = state.schedule.next(state.cursor);
    }
    for (const fire of this.inOrder(due)) this.fire(fire);
    this.dispatch();
  }

  /** A fire of a task: the concurrency policy, then its dependencies, then the queue. */
  private fire(fire: Fire): void {
    const state = this.states.get(fire.task);
    if (!state) return;
    const busy = state.runs.size > 0 || state.waiting.length > 0 || state.queued > 0;
    if (busy) {
      const policy = state.task.concurrency_policy;
      if (policy === 'forbid') {
        this.recordSkip(fire, 'the previous run is still going (concurrency_policy forbid)');
        return;
      }
      if (policy === 'replace') {
        for (const run of state.runs) run.interrupt('replaced by a newer fire (concurrency_policy replace)');
        for (const old of state.waiting.splice(0)) this.recordSkip(old, 'replaced by a newer fire (concurrency_policy replace)');
        this.queue = this.queue.filter((queued) => {
          if (queued.task !== fire.task) return true;
          this.recordSkip(queued, 'replaced by a newer fire (concurrency_policy replace)');
          state.queued--;
          return false;
        });
      }
    }
    if (fire.trigger === 'dependency' || state.task.dependencies.length === 0) {
      this.enqueue(state, fire);
      return;
    }
    this.gate(state, fire);
  }

  private gate(state: TaskState, fire: Fire): boolean {
    const decision = gateDependencies(state.task.dependencies.map((name) => this.dependencyView(name, state, fire)));
    if (decision.kind === 'wait') {
      if (!state.waiting.includes(fire)) state.waiting.push(fire);
      return false;
    }
    state.waiting = state.waiting.filter((f) => f !== fire);
    if (decision.kind === 'skip') this.recordSkip(fire, decision.reason);
    else this.enqueue(state, fire);
    return true;
  }

  private dependencyView(name: string, dependent: TaskState, fire: Fire): DependencyView {
    const dep = this.states.get(name);
    const last = this.ctx.store.lastRun(name);
    const at = fire.fireAt ?? this.ctx.clock.now();
    let periodStart: number | null;
    if (dep?.schedule) periodStart = dep.schedule.prev(at);
    else periodStart = dependent.schedule ? dependent.schedule.prev(at - 1) : null;
    return {
      name,
      enabled: dep?.task.enabled ?? false,
      active: this.isActive(name),
      lastRun: last ? { status: last.status, startedAt: Date.parse(last.started_at) } : null,
      periodStart,
    };
  }

  private isActive(name: string): boolean {
    const state = this.states.get(name);
    return !!state && (state.runs.size > 0 || state.waiting.length > 0 || state.queued > 0);
  }

  private enqueue(state: TaskState, fire: Fire): void {
    state.queued++;
    const key = (f: Fire) => [f.fireAt ?? this.ctx.clock.now(), this.states.get(f.task)?.order ?? 0] as const;
    const [at, order] = key(fire);
    let i = this.queue.length;
    while (i > 0) {
      const [otherAt, otherOrder] = key(this.queue[i - 1] as Fire);
      if (otherAt < at || (otherAt === at && otherOrder <= order)) break;
      i--;
    }
    this.queue.splice(i, 0, fire);
  }

  private dispatch(): void {
    while (!this.stopping && this.running < this.config.settings.max_concurrent_tasks && this.queue.length > 0) {
      const fire = this.queue.shift() as Fire;
      const state = this.states.get(fire.task);
      if (!state) continue;
      state.queued--;
      const run = new TaskRun(this.ctx, { task: state.task, trigger: fire.trigger, fireAt: fire.fireAt });
      state.runs.add(run);
      this.running++;
      void run.done.then((result) => this.finished(state, run, result));
    }
  }

  private finished(state: TaskState, run: TaskRun, result: RunResult): void {
    state.runs.delete(run);
    this.orphanRuns = this.orphanRuns.filter((r) => r !== run);
    this.running--;
    const previous = this.lastStatus.get(result.task) ?? null;
    this.lastStatus.set(result.task, result.status);
    this.hooks.onRunEnd?.(result, previous);
    if (!this.stopping) {
      this.triggerDownstream(result.task, result.status);
      this.regateWaiting();
      this.dispatch();
      this.arm();
    }
    if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Tasks with no schedule run when all their dependencies have just succeeded. */
  private triggerDownstream(name: string, status: RunStatus): void {
    for (const dependentName of this.dependents.get(name) ?? []) {
      const dependent = this.states.get(dependentName);
      if (!dependent || dependent.schedule || !dependent.task.enabled) continue;
      if (status !== 'success') {
        this.recordSkip({ task: dependentName, fireAt: null, trigger: 'dependency', deadline: null }, `dependency ${name} ${statusWords(status)}`);
        this.triggerDownstream(dependentName, 'skipped');
        continue;
      }
      const ownLast = this.ctx.store.lastRun(dependentName);
      const since = ownLast ? Date.parse(ownLast.started_at) : -Infinity;
      const ready = dependent.task.dependencies.every((dep) => {
        const last = this.ctx.store.lastRun(dep);
        return !this.isActive(dep) && last?.status === 'success' && Date.parse(last.started_at) >= since;
      });
      if (ready) this.fire({ task: dependentName, fireAt: null, trigger: 'dependency', deadline: null });
    }
  }

  private regateWaiting(): void {
    const waiting = [...this.states.values()].filter((s) => s.waiting.length > 0).sort((a, b) => a.order - b.order);
    for (const state of waiting) for (const fire of [...state.waiting]) this.gate(state, fire);
  }

  private recordSkip(fire: Fire, reason: string): void {
    const now = this.ctx.clock.now();
    const runId = newRunId(now);
    this.ctx.store.recordSkip({ run_id: runId, task: fire.task, trigger: fire.trigger, at: now, fire_at: fire.fireAt, reason });
    this.ctx.logger.info({ task: fire.task, run_id: runId, reason }, 'skipped');
    this.ctx.onEvent?.({ type: 'skipped', task: fire.task, run_id: runId, reason });
  }

  private inOrder(fires: Fire[]): Fire[] {
    const order = (f: Fire) => this.states.get(f.task)?.order ?? 0;
    return fires.sort((a, b) => (a.fireAt ?? 0) - (b.fireAt ?? 0) || order(a) - order(b));
  }

  private whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

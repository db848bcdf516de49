// A set of tasks run once in DAG order, through the engine like every other run: `run --all`,
// `run --task X --with-deps`, an API run with its upstream. Which task is ready and which is
// skipped is the pure dagStep; this class hands the ready ones to the engine and collects how
// each ended.
import { settleDag, startDag, type DagPlan, type DagState, type DagStep } from '../core/scheduler/dagStep.js';
import type { RunStatus, Trigger } from '../core/types.js';
import type { Engine } from './engine.js';
import type { RunObserver } from './runRequest.js';
import type { RunResult } from './runExecution.js';

export interface DagOutcome {
  task: string;
  run_id: string | null;
  status: RunStatus;
  reason: string | null;
  exit_code: number | null;
}

/** What a session asks of the engine (an interface, so a caller may watch what it asks). */
export type SessionEngine = Pick<Engine, 'request' | 'skip' | 'dispatch' | 'openRun' | 'cancel' | 'expect'>;

export class DagSession implements RunObserver {
  readonly done: Promise<DagOutcome[]>;
  readonly startedAt: number;
  private readonly outcomes = new Map<string, DagOutcome>();
  private state: DagState | null = null;
  private stoppedBy: string | null = null;
  private inFlight = 0;
  /** Inside `apply`: a run skipped at once ends within `request`; the session is not done before the step is. */
  private applying = 0;
  private resolve: (outcomes: DagOutcome[]) => void = () => {};

  constructor(
    private readonly engine: SessionEngine,
    private readonly plan: DagPlan,
    private readonly trigger: Trigger,
    now: number,
    private readonly store: { batch<T>(fn: () => T): T },
    /** The operator approved the runs as they asked for them (`--approved`): no approval gate. */
    private readonly approved = false,
    /** Ids given before the session starts (the task asked for, whose id the API answers with at once). */
    private readonly runIds: ReadonlyMap<string, string> = new Map(),
  ) {
    this.startedAt = now;
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  /** Asks for the first ready tasks and records those blocked from the start. */
  start(): void {
    const { state, step } = startDag(this.plan);
    this.state = state;
    this.store.batch(() => {
      this.engine.expect(this.plan.tasks.map((task) => task.name));
      this.apply(step);
    });
    this.finishIfDone();
  }

  /**
   * Starts nothing more: its runs still waiting for a slot end skipped now (`not started: reason`),
   * the tasks not asked for yet when the running ones end. A queued run left in the engine's
   * queue would wait for a slot no one gives it, and the session would never end.
   */
  stop(reason: string): void {
    this.stoppedBy ??= reason;
    this.store.batch(() => {
      for (const { run_id, status } of [...this.outcomes.values()]) {
        if (status !== 'queued' || run_id === null) continue;
        const state = this.engine.openRun(run_id)?.state;
        if (state === 'queued' || state === 'waiting' || state === 'awaiting_approval') this.engine.cancel(run_id, reason, 'interrupted');
      }
    });
    this.finishIfDone();
  }

  onRunEnded(result: RunResult): void {
    if (this.outcomes.get(result.task)?.status === 'queued') this.inFlight--;
    this.outcomes.set(result.task, {
      task: result.task,
      run_id: result.run_id,
      status: result.status,
      reason: result.reason,
      exit_code: result.exit_code,
    });
    if (!this.state) return;
    const step = settleDag(this.state, result.task, result.status);
    this.apply(step);
    this.finishIfDone();
  }

  private apply(step: DagStep): void {
    this.applying++;
    try {
      // Once stopped, what is not started says why: the stop, not the upstream it interrupted.
      for (const { task, reason } of step.skipped) this.skip(task, this.stoppedBy ? `not started: ${this.stoppedBy}` : reason);
      if (this.stoppedBy) return;
      for (const task of step.ready) {
        if (this.outcomes.has(task)) continue;
        this.outcomes.set(task, { task, run_id: null, status: 'queued', reason: null, exit_code: null });
        this.inFlight++;
        const outcome = this.engine.request({ task, trigger: this.trigger, session: this, approved: this.approved, runId: this.runIds.get(task) });
        const recorded = this.outcomes.get(task) as DagOutcome;
        if (recorded.run_id === null) recorded.run_id = outcome.run_id;
      }
      this.engine.dispatch();
    } finally {
      this.applying--;
    }
  }

  private skip(task: string, reason: string): void {
    if (this.outcomes.has(task)) return;
    const { run_id } = this.engine.skip({ task, trigger: this.trigger, fireAt: null, runId: this.runIds.get(task) }, reason);
    this.outcomes.set(task, { task, run_id, status: 'skipped', reason, exit_code: null });
  }

  private finishIfDone(): void {
    if (this.inFlight > 0 || this.applying > 0 || !this.state) return;
    this.store.batch(() => {
      for (const task of this.plan.tasks) this.skip(task.name, this.stoppedBy ? `not started: ${this.stoppedBy}` : 'not started');
    });
    this.resolve(this.plan.tasks.map((task) => this.outcomes.get(task.name) as DagOutcome));
  }
}

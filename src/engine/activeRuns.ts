// The engine's runs that have not ended: by task, in their pools (lanes) with the queue of each,
// the ones waiting on a dependency and the ones awaiting an operator. Bookkeeping only: what
// happens to a run is decided in the engine and core/scheduler.
import type { Busy } from '../core/scheduler/admitRun.js';
import type { Trigger } from '../core/types.js';
import type { RunPayload, RunObserver, RunRequest } from './runRequest.js';
import type { ResumedRetry, RunExecution } from './runExecution.js';

export type OpenState = 'queued' | 'waiting' | 'awaiting_approval' | 'running' | 'retrying';

export interface ActiveRun {
  id: string;
  task: string;
  trigger: Trigger;
  fireAt: number | null;
  requestedAt: number;
  deadline: number | null;
  payload: RunPayload | null;
  state: OpenState;
  /** Its first history row while it waits; null until written (or when it starts at once). */
  firstRow: number | null;
  /** Its `runs` row is written: at once for a waiting run, at the end of the dispatch for a queued one. */
  persisted: boolean;
  execution: RunExecution | null;
  session: RunObserver | null;
  lane: Lane;
  waitingOn: string | null;
  /** While awaiting approval: when it gives up (ms). */
  approvalExpires?: number | null;
  /** Resumed between attempts (an earlier daemon left it waiting to retry): where it goes on from. */
  resumeFrom?: ResumedRetry;
}

/** A pool of slots: the shared one of `max_concurrent_tasks`, or a watch task's own workers. */
export interface Lane {
  name: string;
  limit: number;
  running: number;
  queue: ActiveRun[];
}

export class ActiveRuns {
  private readonly byTask = new Map<string, Set<ActiveRun>>();
  private readonly lanes = new Map<string, Lane>();
  /** Runs waiting on a dependency. */
  waiting: ActiveRun[] = [];
  /** Runs awaiting an operator's decision, until their approval expires. */
  awaiting: ActiveRun[] = [];

  constructor(mainLimit: number) {
    this.lanes.set('main', { name: 'main', limit: mainLimit, running: 0, queue: [] });
  }

  /** The shared pool. */
  get main(): Lane {
    return this.lanes.get('main') as Lane;
  }

  allLanes(): IterableIterator<Lane> {
    return this.lanes.values();
  }

  /** The pool a request names (made on first use), or the shared one. */
  laneFor(lane: RunRequest['lane']): Lane {
    if (!lane) return this.main;
    let found = this.lanes.get(lane.name);
    if (!found) {
      found = { name: lane.name, limit: lane.limit, running: 0, queue: [] };
      this.lanes.set(lane.name, found);
    }
    found.limit = lane.limit;
    return found;
  }

  /** Runs that hold a slot (running, or waiting to retry). */
  get runningCount(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.running;
    return count;
  }

  /** Runs waiting for a slot. */
  get queuedCount(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.queue.length;
    return count;
  }

  track(run: ActiveRun): void {
    if (run.state === 'awaiting_approval' && !this.awaiting.includes(run)) this.awaiting.push(run);
    let runs = this.byTask.get(run.task);
    if (!runs) {
      runs = new Set();
      this.byTask.set(run.task, runs);
    }
    runs.add(run);
  }

  untrack(run: ActiveRun): void {
    if (this.awaiting.length > 0) this.awaiting = this.awaiting.filter((r) => r !== run);
    const runs = this.byTask.get(run.task);
    runs?.delete(run);
    if (runs?.size === 0) this.byTask.delete(run.task);
  }

  /** No longer waiting on a dependency, nor in its pool's queue. */
  unqueue(run: ActiveRun): void {
    this.waiting = this.waiting.filter((r) => r !== run);
    run.lane.queue = run.lane.queue.filter((r) => r !== run);
  }

  find(runId: string): ActiveRun | null {
    for (const runs of this.byTask.values()) for (const run of runs) if (run.id === runId) return run;
    return null;
  }

  /** The task's runs that have not ended. */
  of(task: string): ActiveRun[] {
    return [...(this.byTask.get(task) ?? [])];
  }

  /** The tasks that have a run here. */
  tasks(): IterableIterator<string> {
    return this.byTask.keys();
  }

  isActive(task: string): boolean {
    const runs = this.byTask.get(task);
    return runs !== undefined && runs.size > 0;
  }

  /** Whether a task has a run going in `lane`, and whether that is only a run awaiting approval. */
  busyState(task: string, lane: Lane): Busy {
    let busy: Busy = 'idle';
    for (const run of this.byTask.get(task) ?? []) {
      if (run.lane !== lane) continue;
      if (run.state !== 'awaiting_approval') return 'busy';
      busy = 'awaiting_approval';
    }
    return busy;
  }

  executions(): RunExecution[] {
    const list: RunExecution[] = [];
    for (const runs of this.byTask.values()) for (const run of runs) if (run.execution) list.push(run.execution);
    return list;
  }

  /** The earliest instant a waiting run gives up, or an approval expires; null when none. */
  nextDeadline(): number | null {
    let at: number | null = null;
    for (const run of this.waiting) if (run.deadline !== null && (at === null || run.deadline < at)) at = run.deadline;
    for (const run of this.awaiting) if (run.approvalExpires != null && (at === null || run.approvalExpires < at)) at = run.approvalExpires;
    return at;
  }
}

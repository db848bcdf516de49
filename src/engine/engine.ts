// The one way into the scheduler. Every source (cron fires, dependency triggers, catch-up,
// `run --all`, and the API, webhooks, watched files) asks for a run with `request`; the rules are
// pure decisions in core/scheduler (concurrency policy, dependency gate, downstream readiness,
// the ready queue, the DAG cascade). This class is the bookkeeping around them: the open runs and
// the slots they take (ActiveRuns), what a run's end sets off downstream (DependencyFlow), the
// rows that record them, the events.
import { admitElsewhere } from '../core/scheduler/admitElsewhere.js';
import { admitRun } from '../core/scheduler/admitRun.js';
import { expiredWaitReason } from '../core/scheduler/expiredWait.js';
import { gateDependencies } from '../core/scheduler/gateDependencies.js';
import { isByHand, pauseGate } from '../core/scheduler/pauseGate.js';
import { enqueueInOrder } from '../core/scheduler/readyQueue.js';
import { buildTaskTable, type TaskEntry, type TaskTable } from '../core/scheduler/taskTable.js';
import { healthTimestamp } from '../core/health.js';
import { retryDecision } from '../core/run/retryDecision.js';
import { newRunId } from '../core/run/runId.js';
import { APPROVAL_TIMED_OUT, rejectedReason } from '../core/scheduler/approvalEnd.js';
import { budgetDecision, utcDayStart } from '../core/scheduler/budgetDecision.js';
import type { Approval, ConcurrencyPolicy, Config, FinalStatus, RunStatus, Trigger } from '../core/types.js';
import type { StoredRun } from '../ports/runStore.js';
import { ActiveRuns, type ActiveRun, type OpenState } from './activeRuns.js';
import type { EngineContext } from './context.js';
import { DependencyFlow } from './dependencyFlow.js';
import { RunExecution, type ResumedRetry, type RunResult } from './runExecution.js';
import type { Decision, RequestOutcome, RunObserver, RunPayload, RunRequest } from './runRequest.js';

export type { Decision, RequestOutcome, RunObserver, RunPayload, RunRequest } from './runRequest.js';

const TRIGGERS_THAT_GATE: ReadonlySet<Trigger> = new Set(['schedule', 'catch_up']);
/** How long past the longest kill_grace a stopping daemon waits for remote attempts to report their end. */
const REMOTE_END_MARGIN_MS = 10_000;

export class Engine {
  private config: Config;
  private table: TaskTable;
  private readonly runs: ActiveRuns;
  private readonly flow: DependencyFlow;
  /** Runs asked for since the last dispatch whose rows are not written yet. */
  private unwritten: ActiveRun[] = [];
  /** Each task's latest status (null: it never ran), for `run.ended`'s `previous`. */
  private readonly lastStatus = new Map<string, RunStatus | null>();
  private stopping: string | null = null;
  /**
   * A daemon told to stop, draining its running runs: it starts nothing more, but the dependents
   * with no schedule that their ends set off are still asked for, as rows the next daemon starts
   * (or skipped rows with the reason): a dependent of a run that ends in the drain is not lost.
   * Not so for a cluster node that let the lease go (hold) nor for a foreground command, whose
   * unstarted runs end skipped.
   */
  private draining = false;
  private idle: Array<() => void> = [];
  /** Paused tasks (persisted): their fires are recorded skipped, dependents gate on them. */
  private readonly paused: Map<string, { at: number; actor: string }>;

  constructor(
    private readonly ctx: EngineContext,
    config: Config,
  ) {
    this.config = config;
    this.table = buildTaskTable(config);
    this.paused = ctx.store.pausedTasks();
    this.runs = new ActiveRuns(config.settings.max_concurrent_tasks);
    this.flow = new DependencyFlow(ctx, {
      table: () => this.table,
      runs: this.runs,
      isPaused: (task) => this.paused.has(task),
      skip: (request, reason) => this.skip(request, reason),
      request: (request) => this.request(request),
      endUnstarted: (run, status, reason) => this.endUnstarted(run, status, reason),
      enqueue: (run) => this.enqueue(run),
    });
  }

  get tasks(): TaskTable {
    return this.table;
  }

  get settings(): Config['settings'] {
    return this.config.settings;
  }

  /** Told to stop (draining): what is asked for now waits, as rows, for the next start. */
  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** Runs that hold a slot (running, or waiting to retry). */
  get runningCount(): number {
    return this.runs.runningCount;
  }

  /** Runs waiting for a slot. */
  get queuedCount(): number {
    return this.runs.queuedCount;
  }

  /** Runs holding a slot whose attempt waits in the queue for a worker (counted in runningCount). */
  get awaitingWorkerCount(): number {
    let count = 0;
    for (const execution of this.runs.executions()) if (execution.awaitingWorker) count++;
    return count;
  }

  /** Asks for a run of `task`; nothing starts until `dispatch()` (call both inside one store batch). */
  request(request: RunRequest): RequestOutcome {
    const entry = this.table.entries.get(request.task);
    if (!entry) throw new Error(`no task named ${request.task}`);
    const now = this.ctx.clock.now();
    const lane = this.runs.laneFor(request.lane);
    const pause = pauseGate(request.trigger, request.byHand !== true && this.paused.has(request.task));
    if (pause.kind === 'skip') return this.skip(request, pause.reason);
    // A watch task's file runs are independent of each other (one per file, in the task's own
    // lane); its concurrency policy holds among the runs of one lane (schedule, webhook, by hand).
    const policy = request.trigger === 'watch' ? 'allow' : entry.task.concurrency_policy;
    const admission = admitRun(policy, this.runs.busyState(request.task, lane));
    if (admission.kind === 'skip') return this.skip(request, admission.reason);
    const elsewhere = this.runElsewhere(entry.task.name, policy);
    if (elsewhere) return this.skip(request, elsewhere);
    if (!isByHand(request.trigger, request.byHand) && entry.task.budget) {
      // A run by hand (the CLI, the API, the dashboard) is the operator's own decision; what comes by itself is held to the budget.
      const budget = budgetDecision(entry.task.budget, this.usageToday(request.task, now));
      if (budget.kind === 'skip') return this.skip(request, budget.reason);
    }
    const run: ActiveRun = {
      id: request.runId ?? newRunId(now),
      task: request.task,
      trigger: request.trigger,
      fireAt: request.fireAt ?? null,
      requestedAt: now,
      deadline: request.deadline ?? null,
      payload: request.payload ?? null,
      state: 'queued',
      firstRow: null,
      persisted: false,
      execution: null,
      session: request.session ?? null,
      lane,
      waitingOn: null,
    };
    if (entry.task.approval && !request.approved) {
      // Only the daemon can hold a run for days; a foreground command does not wait for a decision.
      if (this.ctx.source === 'foreground') return this.skip(request, 'needs approval: a foreground run does not wait for one (run it with --approved)');
      // Under replace, a newer fire takes the place of one still waiting for a decision; a run
      // that goes on is replaced only once this one is approved (proceed).
      if (admission.kind === 'replace') this.replaceRuns(request.task, admission.reason, lane, true);
      return this.awaitApproval(run, entry.task.approval, now);
    }
    return this.proceed(run, entry, now);
  }

  /** Runs of `task` today (UTC) for its budget: those recorded, and those admitted that have not started yet. */
  private usageToday(task: string, now: number): { runs: number; runtimeSeconds: number } {
    const used = this.ctx.store.usageSince(task, utcDayStart(now), now);
    const coming = this.runs.of(task).filter((r) => !r.resumeFrom && (r.state === 'queued' || r.state === 'waiting' || r.state === 'awaiting_approval')).length;
    return { runs: used.runs + coming, runtimeSeconds: used.runtimeSeconds };
  }

  /**
   * Past admission (and approval): the dependency gate, then the queue. Under `replace`, the runs
   * of the task going on are stopped here, once this one is sure to go ahead: a fire skipped by
   * its dependencies (or its budget, before) cuts nothing.
   */
  private proceed(run: ActiveRun, entry: TaskEntry, now: number): RequestOutcome {
    let gate: ReturnType<typeof gateDependencies> = { kind: 'ready' };
    if (TRIGGERS_THAT_GATE.has(run.trigger) && entry.task.dependencies.length > 0) {
      gate = gateDependencies(entry.task.dependencies.map((name) => this.flow.view(name, entry, run.fireAt ?? now)));
      if (gate.kind === 'skip') {
        if (!run.persisted) return this.skip({ task: run.task, trigger: run.trigger, fireAt: run.fireAt, session: run.session ?? undefined }, gate.reason);
        this.endUnstarted(run, 'skipped', gate.reason);
        return { run_id: run.id, status: 'skipped', reason: gate.reason };
      }
    }
    if (run.trigger !== 'watch') {
      const admission = admitRun(entry.task.concurrency_policy, this.runs.busyState(run.task, run.lane));
      if (admission.kind === 'replace') this.replaceRuns(run.task, admission.reason, run.lane);
    }
    this.runs.track(run);
    if (gate.kind === 'wait') {
      run.state = 'waiting';
      run.waitingOn = gate.on;
      const reason = `waiting for dependency ${gate.on}`;
      if (run.persisted) {
        this.ctx.store.setRunState(run.id, 'waiting', { reason });
        if (run.firstRow !== null) this.ctx.store.markQueued(run.firstRow, reason);
      } else this.persist(run, 'waiting');
      this.runs.waiting.push(run);
      this.ctx.events.emit('run.waiting', { run_id: run.id, task: run.task, trigger: run.trigger, on: gate.on, until: run.deadline, fire_at: run.fireAt });
      return { run_id: run.id, status: 'waiting' };
    }
    if (run.persisted) {
      this.ctx.store.setRunState(run.id, 'queued', { reason: null });
      if (run.firstRow !== null) this.ctx.store.markQueued(run.firstRow, null);
    }
    this.enqueue(run);
    if (!run.persisted) this.unwritten.push(run);
    return { run_id: run.id, status: 'queued' };
  }

  /** A task with `approval`: the run is a row that waits for an operator's decision, or its timeout. */
  private awaitApproval(run: ActiveRun, approval: Approval, now: number): RequestOutcome {
    run.state = 'awaiting_approval';
    run.approvalExpires = now + approval.timeout * 1000;
    this.runs.track(run);
    this.persist(run, 'awaiting_approval');
    this.ctx.logger.info({ task: run.task, run_id: run.id, expires_at: new Date(run.approvalExpires).toISOString() }, 'awaiting approval');
    this.ctx.events.emit('run.awaiting_approval', {
      run_id: run.id,
      task: run.task,
      trigger: run.trigger,
      at: now,
      expires_at: run.approvalExpires,
      message: approval.message,
    });
    return { run_id: run.id, status: 'awaiting_approval' };
  }

  /**
   * An operator's decision on a run awaiting approval. Approved, it goes on as any run (its
   * dependency gate, the queue, attempts, retries); rejected, it ends skipped and its dependents
   * are skipped as after a failed dependency.
   */
  decide(runId: string, decision: 'approve' | 'reject', actor: string, comment: string | null): Decision {
    const run = this.runs.find(runId);
    if (!run || run.state !== 'awaiting_approval') {
      const stored = run ? null : this.ctx.store.getRun(runId);
      const state = run?.state ?? stored?.state ?? null;
      if (state === null) return { ok: false, code: 'not_found', message: `no run ${runId}` };
      const why = stored?.reason ? ` (${stored.reason})` : '';
      return { ok: false, code: 'conflict', message: `run ${runId} is not awaiting approval: it is ${state}${why}` };
    }
    const said = comment ? `: ${comment}` : '';
    this.ctx.store.batch(() => {
      if (decision === 'reject') {
        this.endUnstarted(run, 'skipped', rejectedReason(actor, comment), true);
        return;
      }
      this.runs.untrack(run);
      run.approvalExpires = null;
      run.state = 'queued';
      const entry = this.table.entries.get(run.task);
      if (!entry) {
        this.endUnstarted(run, 'skipped', 'the task was removed from the config');
        return;
      }
      // A scheduled fire waits on its dependencies at most until the task's next fire.
      if (run.fireAt !== null && entry.schedule) run.deadline = entry.schedule.next(Math.max(run.fireAt, this.ctx.clock.now()));
      this.ctx.logger.info({ task: run.task, run_id: run.id, actor }, `approved${said}`);
      this.proceed(run, entry, this.ctx.clock.now());
      this.dispatch();
    });
    return { ok: true };
  }

  /**
   * Starts queued runs while their pool has free slots, then writes the rows of the runs left
   * waiting for one (a run that starts at once is written once, as running, not queued first).
   */
  dispatch(): void {
    this.ctx.store.batch(() => {
      if (!this.stopping) {
        for (const lane of this.runs.allLanes()) {
          while (lane.running < lane.limit && lane.queue.length > 0) this.begin(lane.queue.shift() as ActiveRun);
        }
      }
      for (const run of this.unwritten.splice(0)) if (!run.persisted && run.state === 'queued') this.persist(run, 'queued');
    });
  }

  /** Writes a run's row (and, unless it starts now, its first history row). */
  private persist(run: ActiveRun, state: 'queued' | 'waiting' | 'running' | 'awaiting_approval'): void {
    run.persisted = true;
    run.firstRow = this.ctx.store.createRun({
      run_id: run.id,
      task: run.task,
      trigger: run.trigger,
      state,
      source: this.ctx.source,
      requested_at: run.requestedAt,
      fire_at: run.fireAt,
      // Awaiting approval, the run's deadline is when its approval expires.
      deadline: state === 'awaiting_approval' ? (run.approvalExpires ?? null) : run.deadline,
      payload: run.payload ? JSON.stringify(run.payload) : null,
      reason: run.waitingOn ? `waiting for dependency ${run.waitingOn}` : null,
    });
  }

  /** `request` then `dispatch`, in one commit. */
  submit(request: RunRequest): RequestOutcome {
    return this.ctx.store.batch(() => {
      const outcome = this.request(request);
      this.dispatch();
      return outcome;
    });
  }

  /** Records a request that will not run (a skipped fire), with its reason. */
  skip(request: Pick<RunRequest, 'task' | 'trigger' | 'fireAt' | 'session' | 'runId'>, reason: string): RequestOutcome {
    const now = this.ctx.clock.now();
    // Under the id its source gave it, if any: a watched file's run is claimed and followed by it.
    const runId = request.runId ?? newRunId(now);
    this.ctx.store.recordSkip({
      run_id: runId,
      task: request.task,
      trigger: request.trigger,
      source: this.ctx.source,
      at: now,
      fire_at: request.fireAt ?? null,
      reason,
    });
    this.ctx.logger.info({ task: request.task, run_id: runId, reason }, 'skipped');
    this.ended(
      { task: request.task, run_id: runId, trigger: request.trigger, status: 'skipped', exit_code: null, reason, attempts: 0 },
      request.session ?? null,
      request.fireAt ?? null,
    );
    return { run_id: runId, status: 'skipped', reason };
  }

  /**
   * Records a run that failed before its command could start (a watched file that is not valid
   * JSON): a history row with the reason, the health file, `run.ended`; no retries. Returns its id.
   */
  fail(request: Pick<RunRequest, 'task' | 'trigger' | 'runId'>, reason: string): string {
    const now = this.ctx.clock.now();
    const runId = request.runId ?? newRunId(now);
    const { task, trigger } = request;
    this.ctx.store.batch(() => {
      this.ctx.store.recordSkip({ status: 'failed', run_id: runId, task, trigger, source: this.ctx.source, at: now, fire_at: null, reason });
      this.ctx.health.write(task, { status: 'failed', timestamp: healthTimestamp(now), exit_code: null });
      this.ctx.logger.info({ task, run_id: runId, reason }, 'failed before it could start');
      this.ended({ task, run_id: runId, trigger, status: 'failed', exit_code: null, reason, attempts: 0 }, null, null);
    });
    return runId;
  }

  /**
   * Stops a run (an operator asked): a running one is stopped, a queued or waiting one never
   * starts. `interrupted`: the person following it pressed Ctrl-C (as a foreground run records it).
   */
  cancel(runId: string, reason: string, kind: 'cancelled' | 'interrupted' = 'cancelled'): boolean {
    const run = this.runs.find(runId);
    if (!run) return false;
    if (run.execution) {
      run.execution.stop(kind, reason);
      return true;
    }
    this.endUnstarted(run, kind === 'cancelled' ? 'cancelled' : 'skipped', kind === 'cancelled' ? reason : `not started: ${reason}`);
    this.dispatch();
    return true;
  }

  /** Counts pauses and resumes: a reader that keeps a view of them knows when to look again. */
  pauseGeneration = 0;

  /** Pauses (`pause` given) or resumes a task, persisted; false when it already was so. */
  setPaused(task: string, pause: { at: number; actor: string } | null): boolean {
    const changed = this.ctx.store.setPaused(task, pause);
    this.pauseGeneration++;
    if (pause) this.paused.set(task, this.paused.get(task) ?? pause);
    else this.paused.delete(task);
    // Told after the commit: a watched folder's files held while it was paused go now.
    if (!pause) for (const listener of this.resumeListeners) queueMicrotask(() => listener(task));
    return changed;
  }

  private readonly resumeListeners = new Set<(task: string) => void>();

  /** Calls `listener` with each task resumed from now on; returns the way to stop. */
  onResume(listener: (task: string) => void): () => void {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /** True while the task is paused. */
  isPaused(task: string): boolean {
    return this.paused.has(task);
  }

  /** When and by whom the task was paused, or null. */
  pausedInfo(task: string): { at: number; actor: string } | null {
    return this.paused.get(task) ?? null;
  }

  /** The open run with this id, as a view, or null. */
  openRun(runId: string): { run_id: string; task: string; state: OpenState } | null {
    const run = this.runs.find(runId);
    return run ? { run_id: run.id, task: run.task, state: run.state } : null;
  }

  /**
   * A run's state as people are told it (the API's answers, the CLI's words): a run holding a slot
   * whose attempt waits in the queue for a worker is `queued` until a worker starts it (the
   * engine itself counts it running: it holds its slot).
   */
  shownState(runId: string): OpenState | null {
    const run = this.runs.find(runId);
    if (!run) return null;
    if (run.execution?.awaitingWorker) return 'queued';
    return run.execution?.waitingToRetry ? 'retrying' : run.state;
  }

  /** The earliest instant a waiting run gives up, or an approval expires; null when none. */
  nextDeadline(): number | null {
    return this.runs.nextDeadline();
  }

  /**
   * Waiting runs whose deadline has come are skipped (the dependency still runs at the task's
   * next fire); runs whose approval expired are skipped, and their dependents with them.
   */
  expireWaits(now: number): void {
    for (const run of [...this.runs.waiting]) {
      // Ending one may have ended or released another already (its dependent, at the same instant).
      if (run.deadline === null || run.deadline > now || !this.runs.waiting.includes(run)) continue;
      const entry = this.table.entries.get(run.task);
      this.endUnstarted(run, 'skipped', expiredWaitReason(entry?.task.dependencies ?? [], (d) => this.isActive(d), run.waitingOn));
    }
    for (const run of [...this.runs.awaiting]) {
      if (run.approvalExpires == null || run.approvalExpires > now || !this.runs.awaiting.includes(run)) continue;
      this.endUnstarted(run, 'skipped', APPROVAL_TIMED_OUT, true);
    }
  }

  /** The runs awaiting approval, oldest first (for status and the API). */
  awaitingApproval(): { run_id: string; task: string; since: number; expires_at: number | null; message: string | null }[] {
    return this.runs.awaiting.map((run) => ({
      run_id: run.id,
      task: run.task,
      since: run.requestedAt,
      expires_at: run.approvalExpires ?? null,
      message: this.table.entries.get(run.task)?.task.approval?.message ?? null,
    }));
  }

  /** Picks up the open runs an earlier process of the same source left as rows (queued and waiting). */
  resume(rows: StoredRun[]): void {
    for (const row of rows) {
      if (row.source !== this.ctx.source) continue;
      const retrying = row.state === 'retrying' && row.deadline !== null;
      if (!retrying && row.state !== 'queued' && row.state !== 'waiting' && row.state !== 'awaiting_approval') continue;
      const entry = this.table.entries.get(row.task);
      const rowId = retrying ? null : this.ctx.store.firstRowOf(row.run_id);
      const resumeFrom = retrying ? this.resumedRetry(row) : undefined;
      // The task as configured now decides whether the retry still comes (retry_count lowered, rules changed).
      const rules = entry && resumeFrom ? retryDecision(entry.task, resumeFrom.attempts, resumeFrom.last.outcome, null) : null;
      if (!entry || !entry.task.enabled || (retrying && !resumeFrom) || rules?.retry === false) {
        const why = !entry
          ? 'the task was removed from the config'
          : !entry.task.enabled
            ? `task ${row.task} is disabled`
            : rules?.retry === false
              ? (rules.reason ?? `retry_count is now ${entry.task.retry_count}`)
              : 'its attempts are no longer in the history';
        if (resumeFrom) this.endStoredRetry(row.run_id, resumeFrom, why);
        else this.endStored(row, rowId, why);
        continue;
      }
      const run: ActiveRun = {
        id: row.run_id,
        task: row.task,
        trigger: row.trigger,
        fireAt: row.fire_at,
        requestedAt: row.requested_at,
        deadline: row.state === 'awaiting_approval' || retrying ? null : row.deadline,
        approvalExpires: row.state === 'awaiting_approval' ? row.deadline : null,
        payload: row.payload ? (JSON.parse(row.payload) as RunPayload) : null,
        state: row.state as OpenState,
        firstRow: rowId,
        persisted: true,
        execution: null,
        session: null,
        lane: this.runs.laneFor(undefined),
        waitingOn: null,
        resumeFrom,
      };
      this.ctx.store.adoptRun(run.id);
      this.runs.track(run);
      if (run.state === 'waiting') this.runs.waiting.push(run);
      // Waiting to retry, it takes a slot again: its wait for the due time goes on in it.
      else if (run.state === 'queued' || run.state === 'retrying') this.enqueue(run);
      this.ctx.logger.info({ task: run.task, run_id: run.id, state: row.state }, 'resumed a run left open by the previous daemon');
    }
    this.expireWaits(this.ctx.clock.now());
    this.flow.regateWaiting();
  }

  /**
   * Applies a new (already valid) config: the open runs of tasks removed or disabled end (as a
   * restart would end them), running ones are not touched, and runs waiting on a dependency are
   * gated again (their dependencies may have changed).
   */
  reload(config: Config): void {
    this.config = config;
    this.table = buildTaskTable(config);
    this.runs.main.limit = config.settings.max_concurrent_tasks;
    const gone = (task: string): string | null => {
      const entry = this.table.entries.get(task);
      return !entry ? 'the task was removed from the config' : entry.task.enabled ? null : `task ${task} is disabled`;
    };
    const unstarted = [...[...this.runs.allLanes()].flatMap((lane) => lane.queue), ...this.runs.waiting, ...this.runs.awaiting];
    for (const run of unstarted) {
      const why = gone(run.task);
      if (why && this.runs.find(run.id) === run) this.endUnstarted(run, 'skipped', why);
    }
    if (!this.stopping) this.flow.regateWaiting();
    this.dispatch();
  }

  /**
   * Starts nothing more; lets running runs finish up to `drainMs`, then stops them. Queued and
   * waiting runs stay as rows for the next daemon; a foreground command's are recorded skipped.
   * So do attempts still queued for a worker (a remote executor's, none took them): taken back
   * at once, they hold up no drain.
   */
  async stop(reason: string, drainMs: number): Promise<void> {
    // A cluster node that stood by first (hold) ended its queued runs already: so ends what it had queued for a worker.
    const keep = this.ctx.source === 'daemon' && this.stopping === null;
    // A retry not yet due outlives any daemon: left for the next start, or for the cluster's next leader.
    const keepRetries = this.ctx.source === 'daemon';
    this.draining = keep;
    this.stopping = reason;
    if (this.ctx.source === 'foreground') {
      this.ctx.store.batch(() => {
        for (const run of [...this.runs.waiting]) this.endUnstarted(run, 'skipped', `not started: ${reason}`);
        for (const lane of this.runs.allLanes()) for (const run of [...lane.queue]) this.endUnstarted(run, 'skipped', `not started: ${reason}`);
      });
    }
    const executions = () => this.runs.executions();
    for (const execution of executions()) execution.stopRetrying(reason, keepRetries);
    for (const execution of executions()) execution.withdraw(reason, keep);
    if (executions().length === 0) return;
    const drained = this.whenIdle();
    let cancel: (() => void) | null = null;
    const late = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => (cancel = this.ctx.clock.at(this.ctx.clock.now() + drainMs, () => resolve(true)))),
    ]);
    (cancel as (() => void) | null)?.();
    if (late) {
      for (const execution of executions()) execution.stop('interrupted', `interrupted: ${reason}`);
      if (!this.ctx.executor.remote) return drained; // SIGKILL after kill_grace: every end comes
      // A remote attempt's end comes from its worker through Redis, which may be away: waited for
      // up to the longest kill_grace and a margin, then its row is left open (queued or running,
      // owned by this daemon) for the next start to settle through the executor, as after a crash.
      const graceMs = Math.max(0, ...this.config.tasks.map((t) => t.kill_grace)) * 1000 + REMOTE_END_MARGIN_MS;
      let giveUp: (() => void) | null = null;
      const ended = await Promise.race([
        drained.then(() => true),
        new Promise<boolean>((resolve) => (giveUp = this.ctx.clock.at(this.ctx.clock.now() + graceMs, () => resolve(false)))),
      ]);
      (giveUp as (() => void) | null)?.();
      if (!ended) {
        this.ctx.logger.warn({ running: this.runningCount }, 'remote attempts did not report their end (Redis away?); their rows stay open for the next start to settle');
      }
    }
  }

  /**
   * A scheduler of a cluster that does not (or no longer) hold the lease: it starts nothing more
   * (no queued run, no retry, no downstream trigger) and lets running attempts finish. Runs that
   * never started end skipped with the reason (whoever leads now fires on), except runs awaiting
   * approval and retries not yet due, which are only let go: their rows stay open (`awaiting_approval`,
   * `retrying` with the due time) for the new leader to take over.
   */
  hold(reason: string): void {
    this.stopping = reason;
    this.draining = false;
    // A retry not yet due stays `retrying` with its due time, for whichever node leads next to
    // take over (this one, when it leads again before another node did).
    for (const execution of this.runs.executions()) execution.stopRetrying(reason, true);
    // An attempt still queued for a worker would start after the lease is gone: taken back, it ends skipped too.
    for (const execution of this.runs.executions()) execution.withdraw(reason, false);
    this.ctx.store.batch(() => {
      for (const run of [...this.runs.waiting]) this.endUnstarted(run, 'skipped', `not started: ${reason}`);
      for (const lane of this.runs.allLanes()) for (const run of [...lane.queue]) this.endUnstarted(run, 'skipped', `not started: ${reason}`);
      for (const run of [...this.runs.awaiting]) this.runs.untrack(run);
    });
  }

  /** It holds the lease again: it may start runs (resume the open ones, then dispatch). */
  release(): void {
    this.stopping = null;
  }

  /**
   * Stops every running run at once (SIGTERM, SIGKILL after grace) with this reason: a foreground
   * Ctrl-C. An attempt still queued for a worker is taken back first: it never ran, so its run
   * ends skipped, `not started: <reason>`, as a run still waiting for a slot does.
   */
  interruptAll(reason: string): void {
    this.stopping ??= reason;
    for (const execution of this.runs.executions()) execution.withdraw(reason, false);
    for (const execution of this.runs.executions()) execution.stop('interrupted', reason);
  }

  /** SIGKILL to every running run (a second Ctrl-C). */
  killAll(): void {
    for (const execution of this.runs.executions()) execution.killNow();
  }

  whenIdle(): Promise<void> {
    if (this.runningCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** The task's runs that have not ended, as views (for status and the API). */
  openRunsOf(task: string): { run_id: string; state: OpenState; trigger: Trigger; requested_at: number }[] {
    return this.runs.of(task).map((r) => ({ run_id: r.id, state: r.state, trigger: r.trigger, requested_at: r.requestedAt }));
  }

  isActive(task: string): boolean {
    return this.runs.isActive(task);
  }

  /**
   * Why a run of `task` must not start because another process runs the task (forbid across
   * processes), or null. Asked inside the batch that writes the run, so two processes cannot both
   * pass; not asked under `allow`.
   */
  private runElsewhere(task: string, policy: ConcurrencyPolicy): string | null {
    if (policy === 'allow') return null;
    const other = this.ctx.store.otherLiveRun(task);
    const admission = admitElsewhere(policy, other && { run_id: other.run_id, owner_pid: other.owner_pid, source: other.source });
    return admission.kind === 'skip' ? admission.reason : null;
  }

  private begin(run: ActiveRun): void {
    const entry = this.table.entries.get(run.task);
    if (!entry) {
      this.endUnstarted(run, 'skipped', 'the task was removed from the config');
      return;
    }
    // A run that waited (queued, waiting, resumed) is checked again: another process may have started the task since.
    const policy = run.trigger === 'watch' ? 'allow' : entry.task.concurrency_policy;
    const elsewhere = run.persisted ? this.runElsewhere(run.task, policy) : null;
    if (elsewhere) {
      this.endUnstarted(run, 'skipped', elsewhere);
      return;
    }
    if (!run.persisted) this.persist(run, 'running');
    run.state = 'running';
    run.lane.running++;
    if (!this.lastStatus.has(run.task)) this.learnLastStatuses(run.task);
    const execution = new RunExecution(this.ctx, {
      task: entry.task,
      runId: run.id,
      trigger: run.trigger,
      fireAt: run.fireAt,
      env: run.payload?.env ?? {},
      logFields: run.payload?.log,
      firstRow: run.firstRow,
      onEnd: (result) => this.finished(run, result),
      onLeftOpen: () => this.leftOpen(run),
      // A daemon's own run outlives it between attempts; not a session's nor a watched file's.
      resumable: this.ctx.source === 'daemon' && run.session === null && run.trigger !== 'watch',
      resumeFrom: run.resumeFrom,
    });
    run.execution = execution;
  }

  private finished(run: ActiveRun, result: RunResult): void {
    run.lane.running--;
    this.runs.untrack(run);
    this.ctx.store.batch(() => {
      this.ended(result, run.session, run.fireAt);
      this.dispatch(); // stopping, it starts nothing: it writes the rows of what the end set off
    });
    if (this.runningCount === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * The daemon stops and the run stays open for the next one: its attempt was taken back from the
   * queue before a worker started it (a queued row again), or it waits to retry (a retrying row).
   */
  private leftOpen(run: ActiveRun): void {
    run.lane.running--;
    run.state = 'queued';
    run.execution = null;
    this.runs.untrack(run);
    if (this.runningCount === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * The latest status of every task with a run here whose status is not known yet, in one query:
   * `run --all` of 1,000 tasks asked the history once a task (~45 us each, one at every start).
   * A session tells the engine all its tasks at its start (`expect`), so its runs find theirs known.
   */
  private learnLastStatuses(task: string): void {
    this.expect([task, ...this.runs.tasks()]);
  }

  /**
   * Tasks about to run (a session's, `run --all`): their last statuses, which a run's end compares
   * its own with, are read now in one query rather than one query a task as each starts (on a
   * chain, on the way from one task's end to the next one's start).
   */
  expect(tasks: Iterable<string>): void {
    const unknown = [...new Set(tasks)].filter((name) => !this.lastStatus.has(name));
    if (unknown.length === 0) return;
    const last = this.ctx.store.lastRuns(unknown);
    for (const task of unknown) this.lastStatus.set(task, last.get(task)?.status ?? null);
  }

  /**
   * A run ended for good: events, then what depends on it (its session, downstream triggers,
   * waiting runs). A skipped request sets nothing off: it is the fire that did not happen.
   */
  private ended(result: RunResult, session: RunObserver | null, fireAt: number | null): void {
    const previous = result.status === 'skipped' ? null : (this.lastStatus.get(result.task) ?? null);
    if (result.status !== 'skipped') this.lastStatus.set(result.task, result.status);
    this.ctx.events.emit('run.ended', { ...result, previous, fire_at: fireAt });
    if (session) session.onRunEnded(result);
    if ((this.stopping && !this.draining) || result.status === 'skipped') return;
    // A session's run (run --all, a run with its upstream through the API) sets off no
    // downstream run of its own, but a scheduled fire waiting on its task learns it ended.
    if (!session) this.flow.triggerDownstream(result.task, result.status);
    // Draining too: a waiting run its end releases becomes a queued row the next daemon starts
    // (or a skipped one with the reason), as a dependent with no schedule does.
    if (!this.stopping || this.draining) this.flow.regateWaiting(result.task);
  }

  /** Queued and waiting runs of the task (in this lane) end skipped; running ones are stopped (concurrency_policy replace). */
  private replaceRuns(task: string, reason: string, lane: ActiveRun['lane'], unstartedOnly = false): void {
    for (const run of this.runs.of(task).filter((r) => r.lane === lane && !(unstartedOnly && r.execution))) {
      if (run.execution) run.execution.stop('interrupted', reason);
      else this.endUnstarted(run, 'skipped', reason);
    }
  }

  /** A run that never started ends: its rows say how, and whatever waited on it learns. */
  private endUnstarted(run: ActiveRun, status: Extract<FinalStatus, 'skipped' | 'cancelled'>, reason: string, cascade = false): void {
    const now = this.ctx.clock.now();
    this.runs.unqueue(run);
    this.runs.untrack(run);
    this.ctx.store.batch(() => {
      if (run.resumeFrom && status === 'skipped') {
        // A run resumed between attempts, waiting for a slot: it ran before, so it ends as its last attempt did.
        const { outcome } = run.resumeFrom.last;
        this.endStoredRetry(run.id, run.resumeFrom, reason);
        this.ctx.logger.info({ task: run.task, run_id: run.id, reason }, `${outcome.status}: not retried`);
        this.ended(
          { task: run.task, run_id: run.id, trigger: run.trigger, status: outcome.status, exit_code: outcome.exitCode, reason: outcome.reason, attempts: run.resumeFrom.attempts },
          run.session,
          run.fireAt,
        );
        return;
      }
      if (!run.persisted) this.persist(run, 'queued');
      if (run.firstRow !== null) this.ctx.store.finishAttempt(run.firstRow, { status, finished_at: now, exit_code: null, signal: null, reason });
      this.ctx.store.setRunState(run.id, status, { reason, finished_at: now });
      this.ctx.logger.info({ task: run.task, run_id: run.id, reason }, status);
      this.ended({ task: run.task, run_id: run.id, trigger: run.trigger, status, exit_code: null, reason, attempts: 0 }, run.session, run.fireAt);
      if ((this.stopping && !this.draining) || status !== 'skipped' || run.session) return;
      // A rejected or expired approval stops its dependents as a failed run would.
      if (cascade) this.flow.triggerDownstream(run.task, 'skipped');
      // It no longer holds anyone up.
      if (!this.stopping || this.draining) this.flow.regateWaiting(run.task);
    });
  }

  /** Where a run left `retrying` goes on from: its last attempt's row, and the due time; null when its rows are gone. */
  private resumedRetry(row: StoredRun): ResumedRetry | undefined {
    const last = this.ctx.store.lastAttempt(row.run_id);
    // Only an attempt that ended in a way that is retried leaves its run waiting to retry.
    if (!last || last.finished_at === null || (last.status !== 'failed' && last.status !== 'timeout' && last.status !== 'interrupted')) return undefined;
    return {
      attempts: last.attempt,
      dueAt: row.deadline as number,
      last: {
        rowId: last.id,
        outcome: { status: last.status, exitCode: last.exit_code, reason: last.reason },
        signal: last.signal,
        finishedAt: last.finished_at,
      },
    };
  }

  /** A run left waiting to retry that cannot be resumed ends as its last attempt did, its row saying why no retry followed. */
  private endStoredRetry(runId: string, from: ResumedRetry, why: string): void {
    const now = this.ctx.clock.now();
    const { last } = from;
    const reason = [last.outcome.reason, `not retried: ${why}`].filter(Boolean).join('; ');
    this.ctx.store.finishAttempt(last.rowId, { status: last.outcome.status, finished_at: last.finishedAt, exit_code: last.outcome.exitCode, signal: last.signal, reason });
    this.ctx.store.setRunState(runId, last.outcome.status, { reason: last.outcome.reason, finished_at: now, deadline: null });
  }

  /** An open row of an earlier process that cannot be resumed ends skipped. */
  private endStored(row: StoredRun, rowId: number | null, reason: string): void {
    const now = this.ctx.clock.now();
    if (rowId !== null) this.ctx.store.finishAttempt(rowId, { status: 'skipped', finished_at: now, exit_code: null, signal: null, reason });
    this.ctx.store.setRunState(row.run_id, 'skipped', { reason, finished_at: now });
  }

  private enqueue(run: ActiveRun): void {
    run.state = 'queued';
    enqueueInOrder(run.lane.queue, run, (r) => ({
      at: r.session ? r.session.startedAt : (r.fireAt ?? r.requestedAt),
      order: this.table.entries.get(r.task)?.order ?? 0,
    }));
    this.ctx.events.emit('run.queued', { run_id: run.id, task: run.task, trigger: run.trigger, at: run.requestedAt, fire_at: run.fireAt });
  }
}

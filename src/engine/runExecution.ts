// One run of one task once it has a slot: attempts with a timeout each (the executor's), retries
// with backoff, every attempt recorded, the health file rewritten after each, the run's row
// kept up to date. Stopping is a StopSignal to the executor; no pid is known here. Each attempt
// writes the task log when it can claim it, else its own file (another run of the task writes
// the log), appended to the log when the log is free (taskLogTurn).
import path from 'node:path';
import { healthTimestamp } from '../core/health.js';
import { attemptOutcome, type AttemptOutcome } from '../core/run/outcome.js';
import { retryDecision } from '../core/run/retryDecision.js';
import { StopController } from '../core/stopSignal.js';
import type { FinalStatus, Task, Trigger } from '../core/types.js';
import type { AttemptEnd } from '../ports/executor.js';
import type { AttemptLog } from '../ports/taskLog.js';
import type { EngineContext } from './context.js';
import { startedRows } from './startedRows.js';
import { closeAttemptLog, handOverTaskLog, openAttemptLog } from './taskLogTurn.js';

export interface RunResult {
  task: string;
  run_id: string;
  trigger: Trigger;
  status: FinalStatus;
  exit_code: number | null;
  reason: string | null;
  attempts: number;
}

export interface ExecutionRequest {
  task: Task;
  runId: string;
  trigger: Trigger;
  fireAt: number | null;
  /** Extra environment the trigger hands over (a watched file, a webhook payload). */
  env: Record<string, string>;
  /** Fields added to the run's log lines (a watched file's correlation_id). */
  logFields?: Record<string, string>;
  /** The run's first history row, written when it was queued; null: write a new one. */
  firstRow: number | null;
  /**
   * Told once how the run ended: inside the commit that writes its last attempt's row when the
   * task log is free, so that what the end sets off (the next runs of a DAG) shares that commit;
   * else once the attempt's output is handed over.
   */
  onEnd?: (result: RunResult) => void;
  /**
   * Told instead of `onEnd` when the run is left open for the next start as the conductor stops:
   * queued again (its first attempt was taken back from the queue before a worker started it,
   * see `withdraw`), or `retrying` with its next attempt's due time (see `resumable`).
   */
  onLeftOpen?: () => void;
  /**
   * A retry not yet due when the conductor stops is left for the next start (the run's row stays
   * `retrying`, with the due time), instead of ending the run. A daemon's own runs only: not a
   * foreground command's, not a session's (its caller waits for it), not a watched file's (the
   * folder's recovery runs the file again).
   */
  resumable?: boolean;
  /** A run resumed between attempts (an earlier daemon left it `retrying`): its last attempt, and when the next is due. */
  resumeFrom?: ResumedRetry;
}

/** A run an earlier daemon left waiting to retry: what its last attempt was, when the next is due. */
export interface ResumedRetry {
  attempts: number;
  dueAt: number;
  last: { rowId: number; outcome: AttemptOutcome; signal: string | null; finishedAt: number };
}

type StopKind = 'interrupted' | 'cancelled';

/** How a run ends, written with its last attempt's row. */
interface RunEnd {
  status: FinalStatus;
  reason: string | null;
  attempts: number;
}

interface AttemptRecord {
  outcome: AttemptOutcome;
  signal: string | null;
  rowId: number;
  finishedAt: number;
  /** Where its output went, or null when the log could not be opened. */
  log: AttemptLog | null;
  /** Taken back before a worker started it (withdraw): nothing of it ran. */
  withdrawn: boolean;
}

function joinReasons(...reasons: (string | null)[]): string {
  return reasons.filter(Boolean).join('; ');
}

/** A run in progress; `done` settles once every attempt is recorded and nothing of it runs. */
export class RunExecution {
  readonly done: Promise<RunResult>;
  private stopped: { kind: StopKind; reason: string } | null = null;
  private noRetry: string | null = null;
  private abort: StopController | null = null;
  private readonly kill = new StopController();
  /** The current attempt's "take it back", and why it was asked for (withdraw). */
  private takeBack: StopController | null = null;
  private withdrawal: { reason: string; keep: boolean } | null = null;
  private wakeRetry: (() => void) | null = null;
  /** Set when the conductor stops and a retry not yet due is to be left for the next start. */
  private leaveRetry: string | null = null;
  private lastDuration = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly request: ExecutionRequest,
  ) {
    this.done = this.execute();
  }

  get runId(): string {
    return this.request.runId;
  }

  /** Stops the run: the current attempt is stopped (SIGTERM, SIGKILL after kill_grace), no retry follows. */
  stop(kind: StopKind, reason: string): void {
    if (this.stopped) return;
    this.stopped = { kind, reason };
    this.wakeRetry?.();
    this.abort?.abort();
  }

  /**
   * Lets the current attempt finish but starts no retry (the conductor is stopping). With `keep`
   * (a daemon that stops, a cluster node that no longer leads) a resumable run's retry is left
   * for the next start or leader instead: the run's row stays `retrying` with the retry's due time.
   */
  stopRetrying(reason: string, keep = false): void {
    if (keep && this.request.resumable) {
      this.leaveRetry ??= reason;
      this.wakeRetry?.();
      return;
    }
    this.noRetry ??= reason;
    if (this.wakeRetry) this.stop('interrupted', reason);
  }

  /** SIGKILL now (a second Ctrl-C). */
  killNow(): void {
    this.kill.abort();
  }

  /**
   * The conductor stops (or no longer leads its cluster): an attempt still queued for a worker
   * (a remote executor's, none took it) is taken back and does not hold up the drain, since it
   * never ran. It ends as a run still queued for a slot does then: with `keep` (a daemon that
   * stops) a first attempt leaves the run `queued` for the next start; otherwise it ends skipped,
   * `not started: <reason>`. A retry taken back ends the run interrupted, as a retry not yet due
   * does. An attempt a worker already started runs on.
   */
  withdraw(reason: string, keep: boolean): void {
    if (this.withdrawal || !this.waitingForWorker) return;
    this.withdrawal = { reason, keep };
    this.takeBack?.abort();
  }

  private async execute(): Promise<RunResult> {
    const { task, runId, trigger, resumeFrom } = this.request;
    let last: AttemptOutcome = { status: 'interrupted', exitCode: null, reason: null };
    let attempt = 0;
    let final: RunEnd | null = null;
    let lastEnded: AttemptRecord | null = null;
    if (resumeFrom) {
      // Resumed between attempts: the wait for the next goes on where the earlier daemon left it.
      attempt = resumeFrom.attempts;
      last = resumeFrom.last.outcome;
      lastEnded = { ...resumeFrom.last, log: null, withdrawn: false };
      this.ctx.logger.info(
        { task: task.name, run_id: runId, attempt: attempt + 1, due_at: new Date(resumeFrom.dueAt).toISOString() },
        'resumed a retry left by the previous daemon',
      );
      await this.sleep(Math.max(0, resumeFrom.dueAt - this.ctx.clock.now()));
      if (this.leaveRetry && !this.stopped) return this.leaveOpen(attempt, resumeFrom.dueAt);
    }
    while (!this.stopped) {
      attempt++;
      const ended = await this.runAttempt(attempt);
      if (ended.withdrawn) return this.endWithdrawn(attempt, ended);
      lastEnded = ended;
      const decision = retryDecision(task, attempt, ended.outcome, this.stopState()?.reason ?? this.noRetry);
      last = decision.retry || !decision.reason ? ended.outcome : { ...ended.outcome, reason: joinReasons(ended.outcome.reason, decision.reason) };
      // The last attempt's row and the run's end go in one commit, with what the end sets off
      // when nothing is left to append to the task log (every run but one that overlapped another).
      // A retry's due time goes with it: a daemon that dies while it waits leaves it to the next.
      if (!decision.retry) final = this.runEnd(last, attempt);
      const run = final;
      const dueAt = decision.retry ? ended.finishedAt + decision.delayMs : null;
      const released = this.ctx.store.batch(() => {
        const released = this.recordEnd(attempt, ended, last, run);
        if (dueAt !== null) this.ctx.store.setRunState(runId, 'retrying', { attempts: attempt, deadline: this.request.resumable ? dueAt : null });
        this.emitEnd(attempt, last, decision.retry ? decision.delayMs : null);
        if (run && (!ended.log || released)) this.report(this.resultOf(run, last, attempt));
        return released;
      });
      this.ctx.health.write(task.name, { status: last.status, timestamp: healthTimestamp(ended.finishedAt), exit_code: last.exitCode });
      if (ended.log && !released) await handOverTaskLog(this.ctx, task.name, ended.log.direct ? this.logToken(attempt) : null);
      if (dueAt === null) break;
      if (!this.leaveRetry) await this.sleep(Math.max(0, dueAt - this.ctx.clock.now()));
      if (this.leaveRetry && !this.stopped) return this.leaveOpen(attempt, dueAt);
    }
    if (final === null) {
      // Stopped while waiting to retry (or before the first attempt): written now. The last
      // attempt's row says why no retry followed, so that history (which lists attempts) shows it.
      const end = this.runEnd(last, attempt);
      final = end;
      this.ctx.store.batch(() => {
        if (lastEnded) {
          this.ctx.store.finishAttempt(lastEnded.rowId, {
            status: last.status,
            finished_at: lastEnded.finishedAt,
            exit_code: last.exitCode,
            signal: lastEnded.signal,
            reason: joinReasons(last.reason, `not retried: ${end.reason ?? end.status} before attempt ${attempt + 1} was due`),
          });
        }
        this.ctx.store.setRunState(runId, end.status, { reason: end.reason, attempts: attempt, finished_at: this.ctx.clock.now() });
      });
    }
    const result = this.resultOf(final, last, attempt);
    this.report(result);
    return result;
  }

  /**
   * The conductor stops while the run waits to retry: its row stays `retrying` with the due time
   * (written with the attempt's end) for the next start to resume; nothing of it ends here.
   */
  private leaveOpen(attempts: number, dueAt: number): RunResult {
    const { task, runId, trigger } = this.request;
    this.ctx.logger.info(
      { task: task.name, run_id: runId, attempt: attempts + 1, due_at: new Date(dueAt).toISOString(), reason: this.leaveRetry },
      "the retry is left for the next start, or for the cluster's next leader",
    );
    this.reported = true;
    this.request.onLeftOpen?.();
    return { task: task.name, run_id: runId, trigger, status: 'interrupted', exit_code: null, reason: this.leaveRetry, attempts };
  }

  /** The attempt was taken back before a worker started it (withdraw): its rows say so, its output is handed over; no health file, no retry. */
  private async endWithdrawn(attempt: number, ended: AttemptRecord): Promise<RunResult> {
    const { ctx } = this;
    const { task, runId, trigger } = this.request;
    const { reason, keep } = this.withdrawal as { reason: string; keep: boolean };
    const notStarted = `not started: ${reason}`;
    const requeue = keep && attempt === 1;
    if (keep && attempt > 1 && this.request.resumable) return this.leaveWithdrawnRetry(attempt, ended);
    // A first attempt ends as its run's queued row; a retry, as a retry not yet due: the run interrupted.
    const end: RunEnd = attempt === 1 ? { status: 'skipped', reason: notStarted, attempts: 0 } : { status: 'interrupted', reason, attempts: attempt - 1 };
    ctx.store.batch(() => {
      startedRows(ctx.store, ctx.logger).flush();
      if (requeue) {
        ctx.store.markQueued(ended.rowId, null);
        ctx.store.setRunState(runId, 'queued', { reason: null, attempts: 0 });
      } else {
        ctx.store.finishAttempt(ended.rowId, { status: 'skipped', finished_at: ended.finishedAt, exit_code: null, signal: null, reason: notStarted });
        ctx.store.setRunState(runId, end.status, { reason: end.reason, attempts: end.attempts, finished_at: ended.finishedAt });
      }
    });
    ctx.logger.info(
      { task: task.name, run_id: runId, attempt, reason },
      requeue ? 'taken back from the queue before a worker started it: queued for the next start' : `taken back from the queue before a worker started it: ${end.status}`,
    );
    if (ended.log) await handOverTaskLog(ctx, task.name, ended.log.direct ? this.logToken(attempt) : null);
    const result: RunResult = { task: task.name, run_id: runId, trigger, status: end.status, exit_code: null, reason: end.reason, attempts: end.attempts };
    if (requeue) {
      this.reported = true;
      this.request.onLeftOpen?.();
    } else this.report(result);
    return result;
  }

  /**
   * A retry taken back from the queue as the daemon stops: it never ran, so its row goes and the
   * run waits to retry again, due at once, for the next start to send it out (as a retry not yet due).
   */
  private async leaveWithdrawnRetry(attempt: number, ended: AttemptRecord): Promise<RunResult> {
    const { ctx } = this;
    const { task, runId } = this.request;
    this.leaveRetry ??= (this.withdrawal as { reason: string }).reason;
    ctx.store.batch(() => {
      startedRows(ctx.store, ctx.logger).flush();
      ctx.store.discardAttempt(ended.rowId);
      ctx.store.setRunState(runId, 'retrying', { attempts: attempt - 1, deadline: ended.finishedAt });
    });
    if (ended.log) await handOverTaskLog(ctx, task.name, ended.log.direct ? this.logToken(attempt) : null);
    return this.leaveOpen(attempt - 1, ended.finishedAt);
  }

  private resultOf(final: RunEnd, last: AttemptOutcome, attempts: number): RunResult {
    const { task, runId, trigger } = this.request;
    return { task: task.name, run_id: runId, trigger, status: final.status, exit_code: last.exitCode, reason: final.reason, attempts };
  }

  private reported = false;

  private report(result: RunResult): void {
    if (this.reported) return;
    this.reported = true;
    this.request.onEnd?.(result);
  }

  /** How the run ends after `last`: as stopped when it was stopped and the attempt did not already say so. */
  private runEnd(last: AttemptOutcome, attempts: number): RunEnd {
    const stopped = this.stopState();
    const stoppedAfter = stopped !== null && last.status !== 'success' && last.status !== stopped.kind;
    return { status: stoppedAfter ? stopped.kind : last.status, reason: stoppedAfter ? stopped.reason : last.reason, attempts };
  }

  private stopState(): { kind: StopKind; reason: string } | null {
    return this.stopped;
  }

  private emitEnd(attempt: number, outcome: AttemptOutcome, retryIn: number | null): void {
    this.ctx.events.emit('attempt.ended', {
      task: this.request.task.name,
      run_id: this.request.runId,
      attempt,
      trigger: this.request.trigger,
      status: outcome.status,
      exit_code: outcome.exitCode,
      reason: outcome.reason,
      duration_ms: this.lastDuration,
      retry_in_ms: retryIn,
      worker: this.worker,
    });
  }

  private worker: string | null = null;
  private waitingForWorker = false;

  /** Between two attempts: it waits for its next one's due time (its row says `retrying`). */
  get waitingToRetry(): boolean {
    return this.wakeRetry !== null;
  }

  /** Its attempt is queued for a worker (a remote executor's), none has taken it yet. */
  get awaitingWorker(): boolean {
    return this.waitingForWorker;
  }

  private async runAttempt(attempt: number): Promise<AttemptRecord> {
    const { ctx } = this;
    const { task, runId, trigger, fireAt } = this.request;
    const startedAt = ctx.clock.now();
    const initial = ctx.executor.remote ? 'queued' : 'running';
    let rowId: number;
    if (attempt === 1 && this.request.firstRow !== null) {
      rowId = this.request.firstRow;
      ctx.store.dispatchAttempt(rowId, startedAt, initial);
    } else {
      rowId = ctx.store.startAttempt({ run_id: runId, task: task.name, attempt, trigger, started_at: startedAt, fire_at: fireAt, status: initial });
    }
    // A run written as it started is `running` already; a queued one, or a retry, moves to it now.
    if (attempt > 1 || this.request.firstRow !== null) ctx.store.setRunState(runId, 'running', { attempts: attempt });
    this.worker = null;
    // From the moment its row is written (what the API answers right after a request reads it).
    this.waitingForWorker = ctx.executor.remote;
    let outcome: AttemptOutcome;
    let signal: string | null = null;
    let log: AttemptLog | null = null;
    let endedAt: number | undefined;
    let withdrawn = false;
    try {
      // An attempt queued for a worker gets its header when a worker starts it: one that never
      // starts (taken back, cancelled, sent again by the next start) leaves none behind.
      log = openAttemptLog(ctx, { task: task.name, run_id: runId, attempt, trigger, at: startedAt }, this.logToken(attempt), ctx.executor.remote);
    } catch (error) {
      outcome = {
        status: 'failed',
        exitCode: null,
        reason: `cannot write the task log ${ctx.taskLog.path(task.name)}: ${(error as Error).message}`,
      };
    }
    if (log !== null) {
      const end = await this.runProcess(attempt, log, rowId, startedAt);
      endedAt = end.endedAt;
      withdrawn = end.notStarted === true && this.withdrawal !== null;
      // The command never ran here: the log says why under its header (`logs --task` is where
      // the failure line points), as the history's reason does. (A remote attempt's header waits
      // for its worker: one that never started has none to write under.)
      if (end.startError && !end.notStarted && !ctx.executor.remote) ctx.taskLog.note?.(log, `symphony-conductor: ${end.startError}`);
      closeAttemptLog(ctx, log);
      outcome = attemptOutcome({
        ...end,
        timeoutSeconds: task.timeout,
        interruptedBy: this.stopped?.kind === 'interrupted' ? this.stopped.reason : null,
        cancelledBy: this.stopped?.kind === 'cancelled' ? this.stopped.reason : null,
      });
      if (end.escaped) outcome = { ...outcome, reason: joinReasons(outcome.reason, end.escaped) };
      if (log.lost) outcome = { ...outcome, reason: joinReasons(outcome.reason, log.lost) };
      signal = end.signal;
    }
    const finishedAt = endedAt ?? ctx.clock.now();
    this.lastDuration = finishedAt - startedAt;
    this.waitingForWorker = false;
    return { outcome: outcome!, signal, rowId, finishedAt, log, withdrawn };
  }

  /** Who holds the task log while attempt `attempt` writes it. */
  private logToken(attempt: number): string {
    return `${this.request.runId}#${attempt}`;
  }

  /**
   * The attempt's row (with the run's end, `run`, when it is the last) and the log line, with the
   * final word on its reason; the task log is let go in the same commit when nothing else waits to
   * be appended to it. True then. Called inside the batch of the attempt's end; the health file is
   * written once that has committed.
   */
  private recordEnd(attempt: number, ended: AttemptRecord, final: AttemptOutcome, run: RunEnd | null): boolean {
    const { ctx } = this;
    const { task, runId } = this.request;
    const released = ctx.store.batch(() => {
      const pending = startedRows(ctx.store, ctx.logger);
      // Its own start notice, when it still waits, goes with the end (one statement, not two).
      const started = pending.take(ended.rowId);
      pending.flush();
      ctx.store.finishAttempt(ended.rowId, {
        status: final.status,
        finished_at: ended.finishedAt,
        exit_code: final.exitCode,
        signal: ended.signal,
        reason: final.reason,
        ...(started && { started }),
      });
      if (run) ctx.store.setRunState(runId, run.status, { reason: run.reason, attempts: run.attempts, finished_at: ended.finishedAt });
      if (!ended.log?.direct || ctx.taskLog.hasFinished(task.name)) return false;
      ctx.store.releaseTaskLog(task.name, this.logToken(attempt));
      return true;
    });
    ctx.logger.info(
      {
        task: task.name,
        run_id: runId,
        ...this.request.logFields,
        attempt,
        status: final.status,
        exit_code: final.exitCode,
        duration_ms: this.lastDuration,
        reason: final.reason,
      },
      'attempt finished',
    );
    return released;
  }

  private async runProcess(attempt: number, log: AttemptLog, rowId: number, startedAt: number): Promise<AttemptEnd> {
    const { ctx } = this;
    const { task, runId, trigger, fireAt } = this.request;
    // Start the attempt in a later microtask, after whatever transaction recorded it has
    // committed: no process may run without its row on disk.
    await null;
    this.abort = new StopController();
    if (this.stopped) this.abort.abort();
    // Only a remote executor's attempt can wait for a worker, so only it can be taken back.
    this.takeBack = ctx.executor.remote ? new StopController() : null;
    if (this.withdrawal) this.takeBack?.abort();
    const end = await ctx.executor.run(
      {
        run_id: runId,
        task: task.name,
        attempt,
        trigger,
        command: task.command,
        cwd: task.cwd ? path.resolve(ctx.home, task.cwd) : ctx.home,
        // On top of the executor's own environment (this process's, or a worker's).
        env: {
          ...task.env,
          ...this.request.env,
          CONDUCTOR_TASK: task.name,
          CONDUCTOR_RUN_ID: runId,
          CONDUCTOR_ATTEMPT: String(attempt),
          CONDUCTOR_TRIGGER: trigger,
          CONDUCTOR_HOME: ctx.home,
        },
        timeoutMs: task.timeout * 1000,
        killGraceMs: task.kill_grace * 1000,
        output: { fd: log.fd, path: log.path },
        signal: this.abort.signal,
        killSignal: this.kill.signal,
        withdraw: this.takeBack?.signal,
        queue: task.queue,
      },
      (started) => {
        const at = ctx.clock.now();
        if (log.writeHeader) {
          try {
            log.writeHeader(at);
          } catch (error) {
            ctx.logger.warn({ task: task.name, run_id: runId, attempt, err: (error as Error).message }, 'cannot write the header of an attempt to the task log');
          }
          log.writeHeader = undefined;
        }
        this.worker = started.worker;
        this.waitingForWorker = false;
        startedRows(ctx.store, ctx.logger).add([rowId, started.handle, started.worker, at], ctx.executor.stopsWithConductor === true);
        ctx.events.emit('attempt.started', {
          task: task.name,
          run_id: runId,
          attempt,
          trigger,
          at: ctx.executor.remote ? at : startedAt,
          fire_at: fireAt,
          label: started.label,
          worker: started.worker,
        });
      },
    );
    this.abort = null;
    this.takeBack = null;
    this.waitingForWorker = false;
    return end;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.ctx.clock.at(this.ctx.clock.now() + ms, () => {
        this.wakeRetry = null;
        resolve();
      });
      this.wakeRetry = () => {
        cancel();
        this.wakeRetry = null;
        resolve();
      };
    });
  }
}

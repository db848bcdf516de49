// One run of one task: attempts with a timeout each, retries with backoff, every attempt
// recorded, the health file rewritten, and no process of the run left alive at its end.
import path from 'node:path';
import { attemptOutcome, type AttemptOutcome } from '../core/run/outcome.js';
import { retryDelayMs } from '../core/run/retryDelay.js';
import { newRunId } from '../core/run/runId.js';
import { healthTimestamp } from '../core/health.js';
import type { Task, Trigger } from '../core/types.js';
import type { RunningProcess } from '../ports/executor.js';
import type { EngineContext } from './context.js';

export interface RunRequest {
  task: Task;
  trigger: Trigger;
  fireAt: number | null;
  runId?: string;
}

export interface RunResult {
  task: string;
  run_id: string;
  status: AttemptOutcome['status'];
  exit_code: number | null;
  reason: string | null;
  attempts: number;
}

/** A run in progress; `done` settles once every attempt is recorded and the process group is gone. */
export class TaskRun {
  readonly runId: string;
  readonly task: Task;
  readonly done: Promise<RunResult>;
  private process: RunningProcess | null = null;
  private interruptedBy: string | null = null;
  private noRetry: string | null = null;
  private wakeRetry: (() => void) | null = null;
  private killTimer: (() => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    request: RunRequest,
  ) {
    this.task = request.task;
    this.runId = request.runId ?? newRunId(ctx.clock.now());
    this.done = this.execute(request);
  }

  /** Stops the run: SIGTERM to its group now, SIGKILL after kill_grace; no further retries. */
  interrupt(reason: string): void {
    if (this.interruptedBy) return;
    this.interruptedBy = reason;
    this.wakeRetry?.();
    this.stopGroup();
  }

  /** Lets the current attempt finish but starts no retry (the daemon is stopping). */
  stopRetrying(reason: string): void {
    this.noRetry ??= reason;
    if (this.wakeRetry && !this.process) this.interrupt(reason);
  }

  /** SIGKILL now (a second Ctrl-C). */
  kill(): void {
    this.process?.signalGroup('SIGKILL');
  }

  get pid(): number | null {
    return this.process?.pid ?? null;
  }

  private async execute(request: RunRequest): Promise<RunResult> {
    const { task } = this;
    const attempts = task.retry_count + 1;
    let last: AttemptOutcome = { status: 'interrupted', exitCode: null, reason: this.interruptedBy };
    let attempt = 0;
    while (attempt < attempts && !this.interruptedBy) {
      attempt++;
      last = await this.runAttempt(request, attempt);
      const retry =
        last.status !== 'success' && last.status !== 'interrupted' && attempt < attempts && !this.interruptedBy && !this.noRetry;
      const delay = retry ? retryDelayMs(task, attempt) : null;
      this.emitEnd(attempt, last, delay);
      if (delay === null) break;
      await this.sleep(delay);
    }
    // Stopped while waiting to retry: the run ends interrupted, its last attempt stays as recorded.
    const status = this.interruptedBy && last.status !== 'success' ? 'interrupted' : last.status;
    const reason = status === 'interrupted' && last.status !== 'interrupted' ? this.interruptedBy : last.reason;
    return { task: task.name, run_id: this.runId, status, exit_code: last.exitCode, reason, attempts: attempt };
  }

  private lastDuration = 0;

  private emitEnd(attempt: number, outcome: AttemptOutcome, retryIn: number | null): void {
    this.ctx.onEvent?.({
      type: 'attempt-end',
      task: this.task.name,
      run_id: this.runId,
      attempt,
      status: outcome.status,
      exit_code: outcome.exitCode,
      reason: outcome.reason,
      duration_ms: this.lastDuration,
      retry_in_ms: retryIn,
    });
  }

  private async runAttempt(request: RunRequest, attempt: number): Promise<AttemptOutcome> {
    const { ctx, task } = this;
    const startedAt = ctx.clock.now();
    const rowId = ctx.store.startAttempt({
      run_id: this.runId,
      task: task.name,
      attempt,
      trigger: request.trigger,
      started_at: startedAt,
      fire_at: request.fireAt,
      pid: null,
      pid_start: null,
    });
    let outcome: AttemptOutcome;
    let signal: string | null = null;
    let fd: number | null = null;
    try {
      fd = ctx.taskLog.openAttempt({ task: task.name, run_id: this.runId, attempt, trigger: request.trigger, at: startedAt });
    } catch (error) {
      outcome = {
        status: 'failed',
        exitCode: null,
        reason: `cannot write the task log ${ctx.taskLog.path(task.name)}: ${(error as Error).message}`,
      };
    }
    if (fd !== null) {
      const result = await this.runProcess(request, attempt, fd, rowId, startedAt);
      ctx.taskLog.close(fd);
      outcome = result.outcome;
      signal = result.signal;
    }
    const finishedAt = ctx.clock.now();
    this.lastDuration = finishedAt - startedAt;
    const final = outcome!;
    ctx.store.finishAttempt(rowId, {
      status: final.status,
      finished_at: finishedAt,
      exit_code: final.exitCode,
      signal,
      reason: final.reason,
    });
    ctx.health.write(task.name, { status: final.status, timestamp: healthTimestamp(finishedAt), exit_code: final.exitCode });
    ctx.logger.info(
      { task: task.name, run_id: this.runId, attempt, status: final.status, exit_code: final.exitCode, duration_ms: this.lastDuration, reason: final.reason },
      'attempt finished',
    );
    return final;
  }

  private async runProcess(
    request: RunRequest,
    attempt: number,
    fd: number,
    rowId: number,
    startedAt: number,
  ): Promise<{ outcome: AttemptOutcome; signal: string | null }> {
    const { ctx, task } = this;
    // Start the process in a later microtask, after whatever transaction recorded this attempt
    // has committed: no process may run without its row on disk.
    await null;
    const child = ctx.executor.start({
      command: task.command,
      cwd: task.cwd ? path.resolve(ctx.home, task.cwd) : ctx.home,
      outputFd: fd,
      // The same open file, by a path a helper process can open (survives a rotation in between).
      outputPath: `/proc/${process.pid}/fd/${fd}`,
      env: {
        ...ctx.baseEnv,
        ...task.env,
        CONDUCTOR_TASK: task.name,
        CONDUCTOR_RUN_ID: this.runId,
        CONDUCTOR_ATTEMPT: String(attempt),
        CONDUCTOR_TRIGGER: request.trigger,
        CONDUCTOR_HOME: ctx.home,
      },
    });
    await child.ready;
    this.process = child;
    if (child.pid > 0) ctx.store.setAttemptPid(rowId, child.pid, child.startTicks);
    ctx.onEvent?.({
      type: 'attempt-start',
      task: task.name,
      run_id: this.runId,
      attempt,
      trigger: request.trigger,
      pid: child.pid,
      at: startedAt,
      fire_at: request.fireAt,
    });
    if (this.interruptedBy) this.stopGroup();
    let timedOut = false;
    const cancelTimeout = ctx.clock.at(startedAt + task.timeout * 1000, () => {
      timedOut = true;
      this.stopGroup();
    });
    const exit = await child.exited;
    cancelTimeout();
    await this.reapGroup(child);
    this.killTimer?.();
    this.killTimer = null;
    this.process = null;
    const outcome = attemptOutcome({ ...exit, timedOut, timeoutSeconds: task.timeout, interruptedBy: this.interruptedBy });
    return { outcome, signal: exit.signal };
  }

  /** SIGTERM to the group, then SIGKILL after kill_grace if anything of it is left. */
  private stopGroup(): void {
    const child = this.process;
    if (!child || this.killTimer) return;
    child.signalGroup('SIGTERM');
    this.killTimer = this.ctx.clock.at(this.ctx.clock.now() + this.task.kill_grace * 1000, () => {
      child.signalGroup('SIGKILL');
    });
  }

  /** The shell has exited; stop whatever it left behind in its group (no grandchild survives a run). */
  private async reapGroup(child: RunningProcess): Promise<void> {
    if (!child.groupAlive()) return;
    child.signalGroup('SIGTERM');
    const killAt = this.ctx.clock.now() + this.task.kill_grace * 1000;
    let killed = false;
    let wait = 5;
    while (child.groupAlive()) {
      const now = this.ctx.clock.now();
      if (!killed && now >= killAt) {
        child.signalGroup('SIGKILL');
        killed = true;
      } else if (killed && now >= killAt + 5000) {
        this.ctx.logger.warn({ task: this.task.name, pgid: child.pid }, 'processes of the run survive SIGKILL (uninterruptible?)');
        return;
      }
      await this.sleep(wait);
      wait = Math.min(wait * 2, 100);
    }
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

// The queue executor: each attempt is one BullMQ job on `<prefix>.<queue>`, taken by a
// `symphony-conductor worker` on whichever machine serves that queue. The scheduler still decides
// everything; this adapter only hands the attempt over and follows it: the worker's start, the
// output (written to the task log as it comes), the end, or the worker lost (BullMQ's stalled
// jobs). BullMQ retries nothing (one attempt per job): the engine's retry rules apply.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AttemptEnd, AttemptSpec, AttemptStarted, Executor, ExecutorState } from '../../ports/executor.js';
import type { Logger } from '../../ports/logger.js';
import { AddBatch } from './addBatch.js';
import { closeWithin } from './closeWithin.js';
import { jobDataOf } from './jobData.js';
import { JobWatch } from './jobWatch.js';
import { KEEP_JOBS } from './lockSettings.js';
import { controlChannel, jobIdOf, parseQueueHandle, queueHandle, queueName, stopKey } from './names.js';
import { PendingAttempt } from './pendingAttempt.js';
import { reconcile } from './reconcile.js';
import { recoverJob } from './recoverJob.js';
import { watchConnection } from './connectionWatch.js';
import { redactedUrl, redisOptions } from './redisOptions.js';
import { ReplyStream } from './replyStream.js';
import { readWorkers, type WorkerInfo } from './workerRegistry.js';

export interface QueueExecutorOptions {
  url: string;
  prefix: string;
  /** The scheduler's home: working directories inside it travel relative to it. */
  home: string;
  /** Every queue the config names, where `recover` looks for a job. */
  queues: string[];
  logger: Logger;
}

const RECONCILE_MS = 10_000;
const REFRESH_MS = 5_000;

export class QueueExecutor implements Executor {
  readonly remote = true;
  private readonly commands: Redis;
  private readonly streams: ReplyStream;
  private readonly watch: JobWatch;
  private readonly queues = new Map<string, Queue>();
  private readonly batches = new Map<string, AddBatch>();
  private readonly pending = new Map<string, PendingAttempt>();
  private connected = false;
  private reason: string | null;
  private lastError: string | null = null;
  private workers: WorkerInfo[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(private readonly options: QueueExecutorOptions) {
    const connection = redisOptions(options.url);
    this.reason = `connecting to ${redactedUrl(options.url)}`;
    this.commands = new Redis(connection);
    this.commands.on('error', (error: Error) => (this.lastError = error.message));
    this.commands.on('ready', () => this.onConnected());
    this.commands.on('close', () => this.onDisconnected());
    watchConnection(this.commands, {
      url: redactedUrl(options.url),
      who: 'queue executor',
      meanwhile: 'attempts wait as queued rows and go out once it connects',
      logger: options.logger,
    });
    const reader = new Redis(connection);
    reader.on('error', () => {});
    const quiet = (error: Error) => this.options.logger.debug({ err: error.message }, 'queue executor: redis error');
    this.streams = new ReplyStream(reader, this.commands, options.prefix, quiet);
    this.watch = new JobWatch(connection, this.commands, { stalled: (id) => void this.onStalled(id), failed: (id, why) => void this.onFailed(id, why) }, quiet);
    this.timers.push(setInterval(() => void this.reconcileAll(), RECONCILE_MS), setInterval(() => void this.refreshWorkers(), REFRESH_MS));
    for (const timer of this.timers) timer.unref();
  }

  async run(spec: AttemptSpec, onStarted: (started: AttemptStarted) => void): Promise<AttemptEnd> {
    const queue = queueName(this.options.prefix, spec.queue ?? 'default');
    const jobId = jobIdOf(spec.run_id, spec.attempt);
    const pending = new PendingAttempt(jobId, queue, this.streams.key, spec, onStarted);
    this.pending.set(jobId, pending);
    this.streams.follow(jobId, (entry) => pending.onEntry(entry));
    this.watch.watch(queue);
    const stop = () => void this.requestStop(pending, 'stop');
    const kill = () => void this.requestStop(pending, 'kill');
    const withdraw = () => void this.withdraw(pending);
    spec.signal.addEventListener('abort', stop);
    spec.killSignal?.addEventListener('abort', kill);
    spec.withdraw?.addEventListener('abort', withdraw);
    if (spec.signal.aborted) pending.stopRequested = 'stop';
    if (spec.killSignal?.aborted) pending.stopRequested = 'kill';
    void this.add(pending, spec);
    const end = await pending.done;
    spec.signal.removeEventListener('abort', stop);
    spec.killSignal?.removeEventListener('abort', kill);
    spec.withdraw?.removeEventListener('abort', withdraw);
    this.pending.delete(jobId);
    this.streams.unfollow(jobId);
    return end;
  }

  async recover(handle: string, killGraceMs: number): Promise<number | null> {
    const jobId = parseQueueHandle(handle);
    if (!jobId) return null;
    const queues = this.options.queues.map((q) => this.queueFor(queueName(this.options.prefix, q)));
    return recoverJob({ jobId, queues, redis: this.commands, prefix: this.options.prefix, graceMs: killGraceMs, logger: this.options.logger });
  }

  handleOf(runId: string, attempt: number): string {
    return queueHandle(jobIdOf(runId, attempt));
  }

  state(): ExecutorState {
    return { type: 'queue', connected: this.connected, reason: this.connected ? null : this.reason, workers: this.workers };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.streams.close();
    await this.watch.close();
    await Promise.all([...this.queues.values()].map((q) => closeWithin(q)));
    this.commands.disconnect();
  }

  /** Adds the job, retrying with back-off until Redis takes it; the same job id makes a retry harmless. */
  private async add(pending: PendingAttempt, spec: AttemptSpec): Promise<void> {
    const batch = this.batchFor(pending.queue);
    const data = { ...jobDataOf(spec, this.options.home), reply: this.streams.key };
    for (let tries = 0; !this.closed && !pending.isSettled; tries++) {
      try {
        await batch.add(spec.task, data, { jobId: pending.jobId, attempts: 1, ...KEEP_JOBS });
        pending.added = true;
        if (pending.stopRequested) await this.requestStop(pending, pending.stopRequested);
        else if (pending.withdrawRequested) await this.withdraw(pending);
        return;
      } catch (error) {
        this.options.logger.warn({ task: spec.task, run_id: spec.run_id, err: (error as Error).message }, 'cannot add the job to the queue yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 5000)));
      }
    }
  }

  /**
   * The scheduler is stopping: a job no worker has taken is removed, and its attempt ends not
   * started (the scheduler keeps it for its next start, as a run queued for a slot); a taken one
   * runs on (the drain). While Redis is away nothing is touched: the job may be there or not, and
   * the drain, then the next start, settle the attempt as before (a stop request kept in Redis
   * would also stop the job the next start sends under the same id).
   */
  private async withdraw(pending: PendingAttempt): Promise<void> {
    pending.withdrawRequested = true;
    if (pending.isSettled || pending.started || !pending.added || !this.connected) return; // not added yet: the add, once done, comes back here
    try {
      if ((await this.queueFor(pending.queue).remove(pending.jobId)) === 1) pending.removedBeforeStart();
    } catch (error) {
      this.options.logger.warn({ job: pending.jobId, err: (error as Error).message }, 'cannot take the job back from the queue; it is left to the drain');
    }
  }

  /** Removes a job no worker has taken; otherwise tells the workers to stop it (kept in Redis for one that takes it later). */
  private async requestStop(pending: PendingAttempt, action: 'stop' | 'kill'): Promise<void> {
    if (pending.stopRequested !== 'kill') pending.stopRequested = action;
    if (pending.isSettled) return;
    if (!pending.added && !this.connected) {
      // Redis is away and has not taken the job: the attempt ends now, not started. The stop
      // request goes out behind the add on the same connection, so if the add still reaches
      // Redis, the worker that takes the job finds the stop request first and runs nothing.
      void this.commands.set(stopKey(this.options.prefix, pending.jobId), 'stop', 'EX', 24 * 3600).catch(() => {});
      pending.removedBeforeStart();
      return;
    }
    if (!pending.added) return; // the add, once done, asks again
    try {
      if (!pending.started && (await this.queueFor(pending.queue).remove(pending.jobId)) === 1) {
        pending.removedBeforeStart();
        return;
      }
      const { prefix } = this.options;
      await this.commands.set(stopKey(prefix, pending.jobId), pending.stopRequested, 'EX', 24 * 3600);
      await this.commands.publish(controlChannel(prefix), JSON.stringify({ job: pending.jobId, action: pending.stopRequested }));
    } catch (error) {
      this.options.logger.warn({ job: pending.jobId, err: (error as Error).message }, 'cannot ask the worker to stop the job');
    }
  }

  private async onStalled(jobId: string, detail: string | null = null): Promise<void> {
    const pending = this.pending.get(jobId);
    if (!pending || pending.isSettled) return;
    await this.streams.drain().catch(() => {});
    pending.lose(detail);
    await this.queueFor(pending.queue).remove(jobId).catch(() => {});
  }

  private async onFailed(jobId: string, reason: string): Promise<void> {
    const pending = this.pending.get(jobId);
    if (!pending || pending.isSettled) return;
    await this.streams.drain().catch(() => {});
    pending.fail(reason);
  }

  /** A backstop for events missed while disconnected: asks BullMQ where each open job is. */
  private async reconcileAll(): Promise<void> {
    if (!this.connected) return;
    await this.streams.refresh().catch(() => {});
    for (const pending of [...this.pending.values()]) {
      if (!pending.added || pending.isSettled) continue;
      try {
        const queue = this.queueFor(pending.queue);
        const action = reconcile(await queue.getJobState(pending.jobId), pending.started);
        if (action === 'readd') {
          this.options.logger.warn({ job: pending.jobId }, 'Redis lost a queued job (restarted without persistence?); adding it again');
          pending.added = false;
          void this.add(pending, pending.spec);
        } else if (action === 'lost') {
          await this.onStalled(pending.jobId, 'Redis no longer counts its job as running');
        } else if (action === 'failed') {
          const job = await queue.getJob(pending.jobId);
          await this.onFailed(pending.jobId, job?.failedReason ?? 'failed');
        } else if (action === 'completed') {
          await this.streams.drain();
          if (!pending.isSettled) pending.fail('the worker finished without reporting how the attempt ended');
        }
      } catch (error) {
        this.options.logger.debug({ job: pending.jobId, err: (error as Error).message }, 'cannot check the job');
      }
    }
  }

  private async refreshWorkers(): Promise<void> {
    if (!this.connected) return;
    this.workers = await readWorkers(this.commands, this.options.prefix, Date.now()).catch(() => this.workers);
  }

  private onConnected(): void {
    // Said in the log by watchConnection, as the failures are.
    this.connected = true;
    this.reason = null;
    this.lastError = null;
    void this.refreshWorkers();
    void this.reconcileAll();
  }

  private onDisconnected(): void {
    if (this.closed) return;
    this.connected = false;
    this.reason = `Redis unreachable at ${redactedUrl(this.options.url)}${this.lastError ? `: ${this.lastError}` : ''}`;
  }

  private batchFor(name: string): AddBatch {
    let batch = this.batches.get(name);
    if (!batch) {
      batch = new AddBatch(this.queueFor(name));
      this.batches.set(name, batch);
    }
    return batch;
  }

  private queueFor(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.commands });
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }
}

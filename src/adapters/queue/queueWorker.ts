// `symphony-conductor worker`: takes the jobs of its queues from Redis, one BullMQ Worker per
// queue (`--concurrency` jobs at once from each), runs each through the local executor
// (runJob), keeps its heartbeat in the registry, obeys stop requests, and drains: no new job,
// the running ones finish up to the drain timeout, then they are stopped and end interrupted.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Executor } from '../../ports/executor.js';
import type { Logger } from '../../ports/logger.js';
import { dropConnections, quietAfterClose } from './closeWithin.js';
import { FENCE_MS, KEEP_JOBS, LOCK_SETTINGS } from './lockSettings.js';
import type { JobData } from './messages.js';
import { controlChannel, queueName, stopKey } from './names.js';
import { OutputFiles } from './outputFiles.js';
import { watchConnection } from './connectionWatch.js';
import { redactedUrl, redisOptions } from './redisOptions.js';
import { runJob, type JobContext, type JobControl } from './runJob.js';
import { StreamExpiry } from './streamExpiry.js';
import { ALIVE_MS, forgetDeadWorkers, HEARTBEAT_MS, readHeartbeat, removeHeartbeat, writeHeartbeat } from './workerRegistry.js';

export interface QueueWorkerOptions {
  url: string;
  prefix: string;
  queues: string[];
  concurrency: number;
  name: string;
  home: string;
  tmpDir: string;
  executor: Executor;
  logger: Logger;
}

const STOP_POLL_MS = 2000;
/** Why a job was stopped by its worker's self-fencing (see armFence). */
const FENCED = `could not renew the job's lock for ${Math.round(FENCE_MS / 1000)} s (cut off from Redis): stopped so that it never runs beside a retry`;
/** After the drain timeout, how long stopped jobs may take to end and report before the worker exits anyway. */
const STOPPED_WAIT_MS = 30_000;

export class QueueWorker {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly workers: Worker[] = [];
  private readonly running = new Map<string, JobControl>();
  /** When each running job's lock was last known held (monotonic ms): taken, or renewed. */
  private readonly lockHeld = new Map<string, number>();
  private fence: NodeJS.Timeout | null = null;
  /** Jobs past FENCE_MS before their process started (their first round trip waited for Redis): given up as they register. */
  private readonly fenced = new Set<string>();
  private readonly instance = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly outputs: OutputFiles;
  private readonly context: JobContext;
  private closed = false;

  constructor(private readonly options: QueueWorkerOptions) {
    const connection = redisOptions(options.url);
    // What the jobs of one turn send (starts, output, ends, from up to --concurrency jobs) goes
    // out in one write: ioredis pipelines the commands issued in the same tick.
    this.commands = new Redis({ ...connection, enableAutoPipelining: true });
    this.subscriber = new Redis(connection);
    for (const client of [this.commands, this.subscriber]) client.on('error', () => {});
    // The worker's first command (its registration) waits for Redis as long as it takes: say so.
    watchConnection(this.commands, { url: redactedUrl(options.url), who: `worker ${options.name}`, meanwhile: 'it takes no job until then', logger: options.logger });
    this.outputs = new OutputFiles(options.tmpDir, options.concurrency * options.queues.length);
    const expiry = new StreamExpiry();
    this.commands.on('close', () => expiry.clear());
    this.context = { ...options, redis: this.commands, outputs: this.outputs, expiry };
  }

  /** Jobs running now. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Registers the worker and starts taking jobs; refuses a name a live worker elsewhere holds. */
  async start(): Promise<void> {
    const { prefix, name, logger } = this.options;
    const other = await readHeartbeat(this.commands, prefix, name);
    if (other && other.instance !== this.instance && Date.now() - Date.parse(other.last_seen) < ALIVE_MS && !(other.host === os.hostname() && !pidAlive(other.pid))) {
      throw new Error(`a worker named ${name} is already running (pid ${other.pid} on ${other.host}); give this one another --name`);
    }
    await forgetDeadWorkers(this.commands, prefix, Date.now());
    if (this.closed) return;
    await this.heartbeat();
    this.subscriber.on('message', (_channel: string, message: string) => this.onControl(message));
    await this.subscriber.subscribe(controlChannel(prefix));
    for (const queue of this.options.queues) {
      // The processor takes no abort signal (this worker never calls BullMQ's cancelJob; stops
      // come on the control channel): BullMQ then makes no AbortController per job.
      // Nor does it return the end report (it goes on the reply stream; nothing reads a job's
      // return value): BullMQ stores and publishes none.
      const worker = new Worker<JobData, void>(queueName(prefix, queue), (job) => this.process(job), {
        connection: redisOptions(this.options.url),
        concurrency: this.options.concurrency,
        name,
        ...LOCK_SETTINGS,
        ...KEEP_JOBS,
      });
      worker.on('error', (error) => logger.debug({ queue, err: error.message }, 'worker: redis error'));
      worker.on('lockRenewalFailed', (ids) => {
        for (const id of ids) this.running.get(id)?.giveUp("lost the job's lock (cut off from Redis for too long)", true);
      });
      worker.on('locksRenewed', ({ jobIds }) => {
        const now = performance.now();
        for (const id of jobIds) if (this.lockHeld.has(id)) this.lockHeld.set(id, now);
      });
      this.workers.push(worker);
    }
    this.timers.push(setInterval(() => void this.heartbeat(), HEARTBEAT_MS), setInterval(() => void this.pollStops(), STOP_POLL_MS));
    logger.info({ name, queues: this.options.queues, concurrency: this.options.concurrency, home: this.options.home }, `worker ${name} started`);
  }

  /** Takes no new job; lets running ones finish up to `drainMs`, then stops them (they end interrupted). */
  async drain(drainMs: number, reason: string): Promise<void> {
    for (const worker of this.workers) quietAfterClose(worker);
    const closing = Promise.all(this.workers.map((w) => w.close().catch(() => {})));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([closing.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), drainMs)))]);
    clearTimeout(timer);
    if (late) {
      this.options.logger.warn({ running: this.running.size }, 'drain timeout: stopping the jobs still running');
      this.stopAll(`${reason} before the attempt ended`);
      // They end within their kill grace; their ends then wait for Redis, which may be away.
      const gone = await Promise.race([closing.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOPPED_WAIT_MS).unref())]);
      if (!gone) this.options.logger.warn({ running: this.running.size }, 'jobs stopped, but their ends could not be reported (Redis away?); the scheduler will count them lost');
    }
    for (const worker of this.workers) dropConnections(worker);
    for (const timer of this.timers) clearInterval(timer);
    // No heartbeat after this: one due after the last job's end (heartbeatSoon), or one still on
    // its way, would write the entry back after it is removed, and `status` would list a worker gone.
    this.leaving = true;
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    const unregister = Promise.resolve(this.beat)
      .then(() => removeHeartbeat(this.commands, this.options.prefix, this.options.name, this.instance))
      .catch(() => {});
    await Promise.race([unregister, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.close();
  }

  /** Drops the connections (after a drain, or when stopped before it could start). */
  close(): void {
    this.closed = true;
    if (this.fence) clearTimeout(this.fence);
    if (this.soon) clearTimeout(this.soon);
    for (const timer of this.timers) clearInterval(timer);
    this.subscriber.disconnect();
    this.commands.disconnect();
    this.outputs.closeAll();
  }

  /** Stops every running job now (SIGTERM, SIGKILL after grace): they end interrupted with `reason`. */
  stopAll(reason: string, now = false): void {
    for (const control of this.running.values()) control.giveUp(reason, now);
  }

  private async process(job: Job<JobData, void>): Promise<void> {
    const jobId = job.id as string;
    const { logger } = this.options;
    // Per job: debug (LOG_LEVEL=debug); at hundreds of jobs a second, info would flood the journal.
    logger.debug({ job: jobId, task: job.data.task, run_id: job.data.run_id, attempt: job.data.attempt }, 'job started');
    // Its lock was taken as BullMQ handed it over.
    this.lockHeld.set(jobId, performance.now());
    this.armFence();
    const report = await runJob(this.context, jobId, job.data, (control) => {
      this.running.set(jobId, control);
      this.heartbeatSoon();
      if (this.fenced.delete(jobId)) control.giveUp(FENCED, true);
      return () => {
        this.running.delete(jobId);
        this.heartbeatSoon();
      };
    }).finally(() => {
      this.lockHeld.delete(jobId);
      this.fenced.delete(jobId);
      this.armFence();
    });
    const level = report.lost ? 'warn' : 'debug';
    logger[level]({ job: jobId, task: job.data.task, exit_code: report.exit_code, signal: report.signal, lost: report.lost }, 'job ended');
  }

  /**
   * Self-fencing: a job whose lock has not been renewed for FENCE_MS (Redis unreachable from
   * here, while the scheduler may still reach it) is stopped at once, before the lock expires and
   * the attempt can be found stalled and retried on another worker. BullMQ itself gives a job up
   * only when Redis answers that its lock is gone, which a worker cut off never hears in time.
   * One timer, for the next job due.
   */
  private armFence(): void {
    if (this.fence) clearTimeout(this.fence);
    this.fence = null;
    if (this.lockHeld.size === 0 || this.closed) return;
    const oldest = Math.min(...this.lockHeld.values());
    this.fence = setTimeout(() => this.checkFence(), Math.max(0, oldest + FENCE_MS - performance.now()) + 1);
    this.fence.unref();
  }

  private checkFence(): void {
    this.fence = null;
    const now = performance.now();
    for (const [id, held] of this.lockHeld) {
      if (now - held < FENCE_MS) continue;
      this.lockHeld.delete(id);
      this.options.logger.warn({ job: id, since_ms: Math.round(now - held) }, "stopping a job whose lock could not be renewed (Redis unreachable): it may be retried elsewhere");
      const control = this.running.get(id);
      if (control) control.giveUp(FENCED, true);
      else this.fenced.add(id);
    }
    this.armFence();
  }

  private onControl(message: string): void {
    try {
      const { job, action } = JSON.parse(message) as { job: string; action: string };
      const control = this.running.get(job);
      if (control) (action === 'kill' ? control.kill : control.stop)();
    } catch {
      // not one of ours
    }
  }

  /** A stop request published while this worker's subscription was down is still in its key. */
  private polling = false;

  private async pollStops(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0 || this.polling) return;
    this.polling = true;
    const actions = await this.commands
      .mget(...ids.map((id) => stopKey(this.options.prefix, id)))
      .catch(() => [])
      .finally(() => (this.polling = false));
    ids.forEach((id, i) => {
      const action = actions[i];
      if (action) this.onControl(JSON.stringify({ job: id, action }));
    });
  }

  /** The heartbeat on its way, if one is. */
  private beat: Promise<void> | null = null;
  private soon: NodeJS.Timeout | null = null;
  /** Draining is done and the entry is being removed: no more heartbeats. */
  private leaving = false;

  /** The count of running jobs changed: say so within a quarter second, once for many changes. */
  private heartbeatSoon(): void {
    if (this.soon || this.closed || this.leaving) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.heartbeat();
    }, 250);
  }

  private async heartbeat(): Promise<void> {
    // While Redis is away one heartbeat waits for it; more would only pile up.
    if (this.beat || this.leaving) return;
    this.beat = writeHeartbeat(this.commands, this.options.prefix, {
      name: this.options.name,
      queues: this.options.queues,
      running: this.running.size,
      concurrency: this.options.concurrency,
      host: os.hostname(),
      pid: process.pid,
      instance: this.instance,
      started_at: this.startedAt,
      last_seen: new Date().toISOString(),
    })
      .catch(() => {})
      .finally(() => (this.beat = null));
    await this.beat;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

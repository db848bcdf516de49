// One job on a worker: the attempt runs through the same local executor as a local run (its own
// process group, the timeout, SIGTERM then SIGKILL after kill_grace, no survivor), its output
// into a local file that a tail streams back, its start and end reported on the attempt's
// stream. The scheduler's environment is not sent: the job's env goes on top of the worker's.
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { StopController } from '../../core/stopSignal.js';
import type { Trigger } from '../../core/types.js';
import type { AttemptEnd, Executor } from '../../ports/executor.js';
import { encodeEntry, type AttemptEntry, type EndReport, type JobData } from './messages.js';
import { attemptStreamKey, stopKey } from './names.js';
import type { OutputFiles } from './outputFiles.js';
import { OutputTail } from './outputTail.js';
import type { StreamExpiry } from './streamExpiry.js';

export interface JobContext {
  redis: Redis;
  prefix: string;
  name: string;
  home: string;
  /** The files jobs write their output to (reused from job to job). */
  outputs: OutputFiles;
  executor: Executor;
  /** Which streams' expiry an end entry still has to refresh. */
  expiry: StreamExpiry;
}

/** What the worker can do to a running job: stop it, kill it, or give it up as lost. */
export interface JobControl {
  stop(): void;
  kill(): void;
  /** The worker gives the attempt up (it is stopping, or lost the job's lock): ended interrupted with `reason`. */
  giveUp(reason: string, now: boolean): void;
}

export async function runJob(ctx: JobContext, jobId: string, data: JobData, register: (control: JobControl) => () => void): Promise<EndReport> {
  // The scheduler's reply stream, shared by its attempts (entries name the job); an attempt's own
  // stream for a job that names none.
  const stream = data.reply ?? attemptStreamKey(ctx.prefix, jobId);
  const tag = data.reply ? jobId : undefined;
  const send = (entry: AttemptEntry, last = false) => sendEntry(ctx, stream, encodeEntry(entry, tag), last);
  // One round trip (the connection pipelines what a turn sends, for every job starting in it):
  // is a stop already asked for, and (either way) the worker took the job.
  const [stopped] = await Promise.all([
    ctx.redis.get(stopKey(ctx.prefix, jobId)),
    ctx.redis.xadd(stream, '*', ...encodeEntry({ kind: 'start', worker: ctx.name, at: Date.now() }, tag)),
  ]);
  if (stopped) {
    const end: EndReport = { exit_code: null, signal: null, start_error: null, timed_out: false, escaped: null, lost: null, not_started: true };
    await send({ kind: 'end', end }, true);
    return end;
  }
  const abort = new StopController();
  const kill = new StopController();
  let lost: string | null = null;
  const unregister = register({
    stop: () => abort.abort(),
    kill: () => kill.abort(),
    giveUp: (reason, now) => {
      lost ??= reason;
      (now ? kill : abort).abort();
    },
  });
  const output = ctx.outputs.take(jobId);
  const tail = new OutputTail(output.fd, (data) => send({ kind: 'out', data }));
  let end: AttemptEnd | null = null;
  try {
    end = await ctx.executor.run(
      {
        run_id: data.run_id,
        task: data.task,
        attempt: data.attempt,
        trigger: data.trigger as Trigger,
        command: data.command,
        cwd: path.resolve(ctx.home, data.cwd),
        // On top of the worker's own environment (the executor adds it).
        env: { ...data.env, CONDUCTOR_HOME: ctx.home, CONDUCTOR_WORKER: ctx.name },
        timeoutMs: data.timeout_ms,
        killGraceMs: data.kill_grace_ms,
        output,
        signal: abort.signal,
        killSignal: kill.signal,
      },
      () => {},
    );
  } finally {
    unregister();
    const unread = await tail.finish().then(
      () => null,
      (error: unknown) => error,
    );
    // Reused only when all of it was read and nothing of the job can still write to it (a stray
    // that escaped the group and was stopped, or an attempt given up, has its file closed).
    ctx.outputs.give(output, unread === null && end !== null && end.escaped === null && lost === null, tail.bytesRead === 0);
    if (unread !== null) throw unread;
  }
  const report: EndReport = {
    exit_code: end.exitCode,
    signal: end.signal,
    start_error: end.startError,
    timed_out: end.timedOut,
    escaped: end.escaped,
    lost,
    not_started: false,
  };
  await send({ kind: 'end', end: report }, true);
  return report;
}

/**
 * XADD, tried again until Redis takes it: a chunk lost is a log lost. The last entry also sets
 * the stream to expire (sent with it, in the same write; for a stream that takes many ends, at
 * most every few seconds: StreamExpiry): the scheduler reads it and trims or deletes it, and if
 * none ever does, Redis drops it in two days. An end entry sent twice (its reply lost) is
 * harmless: the scheduler settles on the first.
 */
async function sendEntry(ctx: JobContext, stream: string, fields: Array<string | Buffer>, last: boolean): Promise<void> {
  const { redis, expiry } = ctx;
  for (let tries = 0; ; tries++) {
    const expire = last && expiry.due(stream, Date.now());
    try {
      if (!expire) await redis.xadd(stream, '*', ...fields);
      else await Promise.all([redis.xadd(stream, '*', ...fields), redis.expire(stream, 2 * 24 * 3600)]);
      return;
    } catch (error) {
      if (expire) expiry.forget(stream);
      if (tries >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 2000)));
    }
  }
}

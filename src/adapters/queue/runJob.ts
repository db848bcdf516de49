// One job on a worker: the attempt runs through the same local executor as a local run (its own
// process group, the timeout, SIGTERM then SIGKILL after kill_grace, no survivor), its output
// into a local file that a tail streams back, its start and end reported on the attempt's
// stream. The scheduler's environment is not sent: the job's env goes on top of the worker's.
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Trigger } from '../../core/types.js';
import type { AttemptEnd, Executor } from '../../ports/executor.js';
import { encodeEntry, type AttemptEntry, type EndReport, type JobData } from './messages.js';
import { attemptStreamKey, stopKey } from './names.js';
import { OutputTail } from './outputTail.js';

export interface JobContext {
  redis: Redis;
  prefix: string;
  name: string;
  home: string;
  tmpDir: string;
  executor: Executor;
  baseEnv: Record<string, string>;
}

/** What the worker can do to a running job: stop it, kill it, or give it up as lost. */
export interface JobControl {
  stop(): void;
  kill(): void;
  /** The worker gives the attempt up (it is stopping, or lost the job's lock): ended interrupted with `reason`. */
  giveUp(reason: string, now: boolean): void;
}

export async function runJob(ctx: JobContext, jobId: string, data: JobData, register: (control: JobControl) => () => void): Promise<EndReport> {
  const stream = attemptStreamKey(ctx.prefix, jobId);
  const send = (entry: AttemptEntry, last = false) => sendEntry(ctx.redis, stream, entry, last);
  // One round trip: is a stop already asked for, and (either way) the worker took the job.
  const [[stopError, stopped], [startError]] = (await ctx.redis
    .pipeline()
    .get(stopKey(ctx.prefix, jobId))
    .xadd(stream, '*', ...encodeEntry({ kind: 'start', worker: ctx.name, at: Date.now() }))
    .exec()) as [[Error | null, string | null], [Error | null, unknown]];
  if (stopError || startError) throw stopError ?? startError;
  if (stopped) {
    const end: EndReport = { exit_code: null, signal: null, start_error: null, timed_out: false, escaped: null, lost: null, not_started: true };
    await send({ kind: 'end', end }, true);
    return end;
  }
  const abort = new AbortController();
  const kill = new AbortController();
  let lost: string | null = null;
  const unregister = register({
    stop: () => abort.abort(),
    kill: () => kill.abort(),
    giveUp: (reason, now) => {
      lost ??= reason;
      (now ? kill : abort).abort();
    },
  });
  const file = path.join(ctx.tmpDir, `${jobId}.out`);
  // Opened for the process to append to and the tail to read, and unlinked at once: nothing is
  // left behind if the worker dies, and the spawn helper still opens it as /proc/PID/fd/FD.
  const fd = fs.openSync(file, 'a+', 0o600);
  fs.unlinkSync(file);
  const tail = new OutputTail(fd, (data) => send({ kind: 'out', data }));
  let end: AttemptEnd;
  try {
    end = await ctx.executor.run(
      {
        run_id: data.run_id,
        task: data.task,
        attempt: data.attempt,
        trigger: data.trigger as Trigger,
        command: data.command,
        cwd: path.resolve(ctx.home, data.cwd),
        env: { ...ctx.baseEnv, ...data.env, CONDUCTOR_HOME: ctx.home, CONDUCTOR_WORKER: ctx.name },
        timeoutMs: data.timeout_ms,
        killGraceMs: data.kill_grace_ms,
        output: { fd, path: file },
        signal: abort.signal,
        killSignal: kill.signal,
      },
      () => {},
    );
  } finally {
    unregister();
    await tail.finish();
    fs.closeSync(fd);
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
 * the stream to expire: the scheduler reads and deletes it, and if none ever does, Redis drops
 * it in two days.
 */
async function sendEntry(redis: Redis, stream: string, entry: AttemptEntry, last: boolean): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      if (!last) await redis.xadd(stream, '*', ...encodeEntry(entry));
      else {
        const replies = await redis.multi().xadd(stream, '*', ...encodeEntry(entry)).expire(stream, 2 * 24 * 3600).exec();
        const failed = replies?.find(([error]) => error)?.[0];
        if (failed) throw failed;
      }
      return;
    } catch (error) {
      if (tries >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 2000)));
    }
  }
}

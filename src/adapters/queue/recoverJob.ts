// A conductor died while one of its attempts was out on the queue. The next one stops it: a job
// no worker took yet is removed from its queue (it never runs); one a worker runs is asked to
// stop (SIGTERM, SIGKILL after grace, on the worker) and its end is awaited for the exit code.
// Bounded in time: a Redis that does not answer holds up no start-up.
import os from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../ports/logger.js';
import { decodeEntry, entryJob, type JobData } from './messages.js';
import { attemptStreamKey, controlChannel, stopKey } from './names.js';

export interface RecoverJob {
  jobId: string;
  queues: Queue[];
  redis: Redis;
  prefix: string;
  graceMs: number;
  logger: Logger;
}

const FIND_MS = 10_000;
const END_MARGIN_MS = 30_000;

export async function recoverJob(job: RecoverJob): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), FIND_MS + job.graceMs + END_MARGIN_MS)));
  try {
    const result = await Promise.race([stopJob(job), giveUp]);
    if (result !== 'timeout') return result;
    job.logger.warn({ job: job.jobId }, 'could not stop a job left by a dead conductor in time (Redis unreachable?)');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function stopJob(job: RecoverJob): Promise<number | null> {
  // The dead conductor's reply stream (shared by its attempts, left to expire) or the attempt's own.
  let reply: string | undefined;
  const own = attemptStreamKey(job.prefix, job.jobId);
  for (const queue of job.queues) {
    const state = await queue.getJobState(job.jobId);
    if (state === 'unknown') continue;
    reply = ((await queue.getJob(job.jobId))?.data as JobData | undefined)?.reply;
    if (state !== 'active' && state !== 'completed' && state !== 'failed' && (await queue.remove(job.jobId)) === 1) break;
    if ((await queue.getJobState(job.jobId)) === 'active') {
      await job.redis.set(stopKey(job.prefix, job.jobId), 'stop', 'EX', 24 * 3600);
      await job.redis.publish(controlChannel(job.prefix), JSON.stringify({ job: job.jobId, action: 'stop' }));
      const code = await awaitEnd(job.redis, reply ?? own, reply ? job.jobId : null, job.graceMs + END_MARGIN_MS);
      if (!reply) await job.redis.del(own);
      return code;
    }
    break;
  }
  if (!reply) await job.redis.del(own);
  return null;
}

/** Reads the stream until the attempt's end report (of `jobId` only, on a shared stream); the exit code it records (128+N for signal N). */
async function awaitEnd(redis: Redis, stream: string, jobId: string | null, withinMs: number): Promise<number | null> {
  const reader = redis.duplicate();
  reader.on('error', () => {});
  const deadline = Date.now() + withinMs;
  let id = '0';
  try {
    while (Date.now() < deadline) {
      const reply = (await reader.xreadBuffer('COUNT', 512, 'BLOCK', 1000, 'STREAMS', stream, id)) as unknown as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      for (const [, entries] of reply ?? []) {
        for (const [entryId, fields] of entries) {
          id = entryId.toString();
          if (jobId !== null && entryJob(fields) !== jobId) continue;
          const entry = decodeEntry(fields);
          if (entry?.kind !== 'end') continue;
          const { exit_code: code, signal } = entry.end;
          if (signal) return 128 + ((os.constants.signals as Record<string, number>)[signal] ?? 0);
          return code;
        }
      }
    }
    return null;
  } finally {
    reader.disconnect();
  }
}

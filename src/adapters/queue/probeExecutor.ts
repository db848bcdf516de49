// `status` of a home whose executor is a queue: one short look at Redis (is it there, which
// workers are registered), bounded in time so that a Redis that is down makes `status` say so
// instead of hanging. Reads only.
import { Redis } from 'ioredis';
import type { ExecutorState } from '../../ports/executor.js';
import { redactedUrl, redisOptions } from './redisOptions.js';
import { readWorkers } from './workerRegistry.js';

export async function probeExecutor(url: string, prefix: string, timeoutMs: number, now: number): Promise<ExecutorState> {
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  // The connection's own error says why (ECONNREFUSED, ENOTFOUND); connect() itself rejects only
  // with 'Connection is closed.' once ioredis gives up.
  let cause: string | null = null;
  redis.on('error', (error: Error) => (cause ??= error.message));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
  try {
    await Promise.race([redis.connect(), late]);
    const workers = await Promise.race([readWorkers(redis, prefix, now), late]);
    return { type: 'queue', connected: true, reason: null, workers };
  } catch (error) {
    return { type: 'queue', connected: false, reason: `Redis unreachable at ${redactedUrl(url)}: ${cause ?? (error as Error).message}`, workers: [] };
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

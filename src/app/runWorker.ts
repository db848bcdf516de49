// `worker`: a process that runs the scheduler's attempts on this machine. It takes jobs from the
// queues it serves, runs each as the local executor runs a process (the same code: spawn helper,
// process group, timeout, kill_grace, reaping), and streams the output back. SIGTERM/SIGINT
// (and SIGHUP: its terminal closed; a worker has no config to reload):
// no new job, running ones finish up to the drain timeout, then are stopped (they end
// interrupted, and are retried by the scheduler if their task has retries left); a second
// signal stops them at once. Exit 0 after a drain.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPinoLogger } from '../adapters/pinoLogger.js';
import { createLocalExecutor } from '../adapters/process/localExecutor.js';
import { QueueWorker } from '../adapters/queue/queueWorker.js';
import { redactedUrl } from '../adapters/queue/redisOptions.js';
import { systemClock } from '../adapters/systemClock.js';
import { ConductorError, EXIT } from '../core/errors.js';
import { chooseBackend } from './compose.js';
import { onStopSignals } from './signals.js';

export interface WorkerRequest {
  redis: string;
  prefix: string;
  queues: string[];
  concurrency: number;
  name: string;
  home: string;
  drainTimeoutSeconds: number;
}

export async function runWorker(request: WorkerRequest): Promise<number> {
  if (!fs.statSync(request.home, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConductorError('USAGE', `the worker's home ${request.home} is not a directory (--home, $CONDUCTOR_HOME or the current directory)`);
  }
  const logger = createPinoLogger({ file: path.join(request.home, 'logs', 'symphony_conductor_worker.log'), sync: false, echo: 'info' });
  // A job of a worker that dies (kill -9) must not run on beside its retry on another worker.
  const executor = createLocalExecutor(await chooseBackend(), systemClock, {
    onSurvivor: (task, handle) => logger.warn({ task, handle }, 'processes of the run survive SIGKILL (uninterruptible?)'),
  });
  const worker = new QueueWorker({ ...request, url: request.redis, tmpDir: os.tmpdir(), executor, logger });

  let stopRequested: (signal: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  const stopListening = onStopSignals((signal, count) => {
    if (count === 1) stopRequested(signal);
    else worker.stopAll(`stopped (${signal} twice)`, true);
  }, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  try {
    // Until it connects, each failure is said (adapters/queue/connectionWatch); it keeps trying.
    logger.info({ redis: redactedUrl(request.redis), name: request.name }, `worker ${request.name}: connecting to Redis at ${redactedUrl(request.redis)}`);
    const started = await Promise.race([worker.start().then(() => true), stopSignal.then(() => false)]);
    if (started) {
      const signal = await stopSignal;
      logger.info({ signal, running: worker.runningCount, drain_seconds: request.drainTimeoutSeconds }, 'worker stopping');
      await worker.drain(request.drainTimeoutSeconds * 1000, `stopped (${signal})`);
    } else worker.close();
    logger.info({}, 'worker stopped');
    return EXIT.ok;
  } catch (error) {
    // Refused (its name taken) or failed to start: its Redis connections would keep it alive.
    worker.close();
    const message = (error as Error).message;
    if (message.startsWith('a worker named')) throw new ConductorError('WORKER_NAME_TAKEN', message);
    throw error;
  } finally {
    stopListening();
    await executor.close();
    logger.flush();
  }
}

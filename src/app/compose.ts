// The composition root: real adapters wired into the engine's context for one home.
import { fileURLToPath } from 'node:url';
import type { AtomicFileWriter } from '../adapters/atomicWrite.js';
import { createTaskLog } from '../adapters/fileTaskLog.js';
import { createHealthStore } from '../adapters/fsHealthStore.js';
import { createPinoLogger } from '../adapters/pinoLogger.js';
import { createHelperBackend } from '../adapters/process/helperBackend.js';
import { createLocalExecutor } from '../adapters/process/localExecutor.js';
import type { SpawnBackend } from '../adapters/process/spawnBackend.js';
import { openHoldingWhenFull } from '../adapters/sqlite/holdWhenFull.js';
import { openRunStore } from '../adapters/sqlite/sqliteRunStore.js';
import { systemClock } from '../adapters/systemClock.js';
import type { Config } from '../core/types.js';
import type { EngineContext } from '../engine/context.js';
import { EventBus } from '../engine/events.js';
import type { Executor } from '../ports/executor.js';
import type { Logger } from '../ports/logger.js';
import type { RunSource } from '../ports/runStore.js';
import { ensureWritableDir } from './homeDirs.js';
import type { HomePaths } from './paths.js';

export interface ComposeOptions {
  logger?: Logger;
  source: RunSource;
}

/** Checks the home's folders, opens the history and the logs, and returns the engine's context. */
export async function composeEngine(paths: HomePaths, config: Config, options: ComposeOptions): Promise<EngineContext> {
  for (const dir of [paths.logsDir, paths.taskLogsDir, paths.statusDir, paths.healthDir]) ensureWritableDir(dir);
  const daemon = options.source === 'daemon';
  const logger = options.logger ?? createPinoLogger({ file: paths.conductorLog, sync: !daemon, echo: daemon ? 'info' : 'none' });
  // A full disk holds history writes in memory instead of stopping the conductor (said on stderr too for `run`).
  const file = paths.database;
  const open = () => openRunStore(file, { create: true });
  const store = openHoldingWhenFull(file, open, () => openRunStore(file, { create: false, copy: true }), (notice) => {
    if (notice.kind === 'written') logger.info({ file: paths.database }, notice.message);
    else logger.warn({ file: paths.database }, notice.message);
    if (!daemon) process.stderr.write(`symphony-conductor: ${notice.message}\n`);
  });
  const { executor, files } = await chooseExecutor(paths, config, logger);
  return {
    executor,
    store,
    health: createHealthStore(paths.healthDir, (task, error) => logger.error({ task, err: error.message }, 'cannot write the health file'), files),
    taskLog: createTaskLog(paths.taskLogsDir, { maxBytes: config.settings.log_max_bytes, keep: config.settings.log_keep }),
    logger,
    clock: systemClock,
    events: new EventBus((error, event) => logger.error({ err: (error as Error).message, event: event.type }, 'an event listener failed')),
    home: paths.home,
    source: options.source,
  };
}

/**
 * `local`: processes on this machine; `queue`: BullMQ jobs for workers (loaded only then: BullMQ
 * and ioredis are large). With it, what writes the health files when it is not libuv's pool (the
 * spawn helper's writer thread).
 */
async function chooseExecutor(paths: HomePaths, config: Config, logger: Logger): Promise<{ executor: Executor; files: AtomicFileWriter | null }> {
  const settings = config.settings.executor;
  if (settings.type === 'queue' && settings.redis_url) {
    const { QueueExecutor } = await import('../adapters/queue/queueExecutor.js');
    const queues = [...new Set(['default', ...config.tasks.map((t) => t.queue)])];
    return { executor: new QueueExecutor({ url: settings.redis_url, prefix: settings.prefix, home: paths.home, queues, logger }), files: null };
  }
  const backend = await chooseBackend();
  const executor = createLocalExecutor(backend, systemClock, {
    onSurvivor: (task, handle) => logger.warn({ task, handle }, 'processes of the run survive SIGKILL (uninterruptible?)'),
    startsFirst: true,
  });
  return { executor, files: backend.files ?? null };
}

/**
 * Task processes start through the small C spawn helper (dist/native/spawn-helper, built by
 * `npm run build` when a C compiler is present): Node 20 forks its whole heap for every spawn,
 * about 4x slower here and slower still as the daemon grows. Without the helper, execa.
 * CONDUCTOR_SPAWN=node forces execa.
 */
export async function chooseBackend(): Promise<SpawnBackend> {
  if (process.env.CONDUCTOR_SPAWN !== 'node') {
    const helper = createHelperBackend(fileURLToPath(new URL('../native/spawn-helper', import.meta.url)));
    if (helper) return helper;
  }
  // Loaded only when needed: execa adds ~17 MB to the daemon's memory.
  const { createExecaBackend } = await import('../adapters/process/execaBackend.js');
  return createExecaBackend();
}

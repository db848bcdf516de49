// The composition root: real adapters wired into the engine's context for one home.
import { createTaskLog } from '../adapters/fileTaskLog.js';
import { createHealthStore } from '../adapters/fsHealthStore.js';
import { createPinoLogger } from '../adapters/pinoLogger.js';
import { fileURLToPath } from 'node:url';
import { createHelperExecutor } from '../adapters/process/helperExecutor.js';
import { openRunStore } from '../adapters/sqlite/sqliteRunStore.js';
import { systemClock } from '../adapters/systemClock.js';
import type { Config } from '../core/types.js';
import type { EngineContext, RunEvent } from '../engine/context.js';
import type { Executor } from '../ports/executor.js';
import type { Logger } from '../ports/logger.js';
import { ensureWritableDir } from './homeDirs.js';
import type { HomePaths } from './paths.js';

export interface ComposeOptions {
  logger?: Logger;
  onEvent?: (event: RunEvent) => void;
  daemon?: boolean;
}

/** Checks the home's folders, opens the history and the logs, and returns the engine's context. */
export async function composeEngine(paths: HomePaths, config: Config, options: ComposeOptions = {}): Promise<EngineContext> {
  for (const dir of [paths.logsDir, paths.taskLogsDir, paths.statusDir, paths.healthDir]) ensureWritableDir(dir);
  const logger =
    options.logger ??
    createPinoLogger({ file: paths.conductorLog, sync: !options.daemon, echo: options.daemon ? 'info' : 'none' });
  const store = openRunStore(paths.database, { create: true });
  return {
    executor: await chooseExecutor(),
    store,
    health: createHealthStore(paths.healthDir, (task, error) =>
      logger.error({ task, err: error.message }, 'cannot write the health file'),
    ),
    taskLog: createTaskLog(paths.taskLogsDir, { maxBytes: config.settings.log_max_bytes, keep: config.settings.log_keep }),
    logger,
    clock: systemClock,
    home: paths.home,
    baseEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    onEvent: options.onEvent,
  };
}

/**
 * Task processes start through the small C spawn helper (dist/native/spawn-helper, built by
 * `npm run build` when a C compiler is present): Node 20 forks its whole heap for every spawn,
 * about 4x slower here and slower still as the daemon grows. Without the helper, execa.
 * CONDUCTOR_SPAWN=node forces execa.
 */
async function chooseExecutor(): Promise<Executor> {
  if (process.env.CONDUCTOR_SPAWN !== 'node') {
    const helper = createHelperExecutor(fileURLToPath(new URL('../native/spawn-helper', import.meta.url)));
    if (helper) return helper;
  }
  // Loaded only when needed: execa adds ~17 MB to the daemon's memory.
  const { createExecaExecutor } = await import('../adapters/process/execaExecutor.js');
  return createExecaExecutor();
}

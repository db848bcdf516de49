// Watched folders in the daemon: the real file system wired into the watch tasks (engine/watch),
// the json_schema files compiled (a bad one refuses the start, with its JSON pointer), folders
// created when missing. A reload recompiles; a schema that no longer compiles is logged and the
// tasks keep their previous watch.
import fs from 'node:fs';
import os from 'node:os';
import { isLiveProcess } from '../adapters/process/procfs.js';
import { createWatchFolderFs } from '../adapters/watch/watchFolderFs.js';
import type { Config, Task } from '../core/types.js';
import type { SchemaCheck } from '../core/watch/checkJsonFile.js';
import type { EngineContext } from '../engine/context.js';
import type { Engine } from '../engine/engine.js';
import type { WatchDeps } from '../engine/watch/types.js';
import { WatchSources, type ResolveWatch, type SharedDeps } from '../engine/watch/watchSources.js';
import type { Logger } from '../ports/logger.js';
import type { WatchCounts } from '../ports/watchFileStore.js';
import type { HomePaths } from './paths.js';
import { refusedConfig } from './refusedConfig.js';
import { packageVersion } from './version.js';
import { compileWatchSchemas, watchPaths } from './watchConfig.js';
import { makeDirs } from '../adapters/makeDirs.js';

/** The folder is listed again this often, in case inotify dropped an event (its queue overflowed). */
export const RESCAN_MS = 10_000;

export interface Watching {
  reload(config: Config, shown: string): Promise<void>;
  /** A cluster node that took the lease: its watch tasks start (recovering what is left), with the latest config. */
  lead(): void;
  /** A cluster node without the lease: its watch tasks stop taking files; runs going on are followed to their end. */
  standBy(): void;
  stop(): void;
  /** Every file run has ended and every file has been dealt with (await before closing the history). */
  settled(): Promise<void>;
  /** Per task, since this start (for metrics: conductor_watch_files_pending{task}). */
  counts(): Map<string, WatchCounts>;
}

export function watchShared(ctx: EngineContext, engine: Engine, mode: WatchDeps['mode'], approved = false): SharedDeps {
  return {
    ctx,
    engine,
    folder: createWatchFolderFs(),
    mode,
    approved,
    ownerAlive: (pid, start) => pid !== null && isLiveProcess(pid, start),
    processedBy: `symphony-conductor ${packageVersion()} on ${os.hostname()} (pid ${process.pid})`,
    rescanMs: RESCAN_MS,
  };
}

export function watchResolver(paths: HomePaths, schemas: Map<string, SchemaCheck>, ctx: EngineContext): ResolveWatch {
  return (task: Task) => {
    const resolved = watchPaths(task, paths.home, paths.statusDir);
    makeWatchedFolder(task.name, resolved.dir, ctx.logger);
    return { paths: resolved, schema: schemas.get(task.name) ?? null };
  };
}

/** A watched folder is created when missing (spec/triggers.md); one that cannot be is logged and waited for. */
function makeWatchedFolder(task: string, dir: string, logger: Logger): void {
  try {
    makeDirs(dir);
  } catch (error) {
    logger.error({ task, path: dir, err: (error as Error).message }, 'cannot create the watched folder; waiting for it');
  }
}

/**
 * Compiles the config's json_schema files (a bad one is a config error: call this before anything
 * starts); `makeFolders` creates the watched folders of the enabled watch tasks (before the
 * daemon says it is up, status/http.url: a script that waits for it may drop a file at once);
 * `start` then starts every enabled watch task (after the scheduler resumed its runs), or,
 * `paused` (a node of a standby cluster), none until `lead()`.
 */
export async function prepareWatching(
  config: Config,
  paths: HomePaths,
  shown: string,
): Promise<{ makeFolders(logger: Logger): void; start(ctx: EngineContext, engine: Engine, options?: { paused?: boolean }): Watching }> {
  const schemas = await compileWatchSchemas(config, paths.home, shown);
  return {
    makeFolders(logger) {
      for (const task of config.tasks) {
        if (task.enabled && task.watch) makeWatchedFolder(task.name, watchPaths(task, paths.home, paths.statusDir).dir, logger);
      }
    },
    start(ctx, engine, options = {}) {
      let resolve = watchResolver(paths, schemas, ctx);
      let current = config;
      let paused = options.paused ?? false;
      const sources = new WatchSources(watchShared(ctx, engine, 'daemon'), resolve);
      if (!paused) sources.start(config);
      return {
        async reload(next, nextShown) {
          current = next;
          if (!paused) sources.retire(next);
          try {
            resolve = watchResolver(paths, await compileWatchSchemas(next, paths.home, nextShown), ctx);
            if (!paused) sources.reload(next, resolve);
          } catch (error) {
            const refused = refusedConfig(error);
            ctx.logger.error({ problems: refused.problems }, `watch tasks keep their previous settings${refused.summary ? `: ${refused.summary}` : ''}`);
          }
        },
        lead() {
          if (!paused) return;
          paused = false;
          sources.reload(current, resolve);
        },
        standBy() {
          if (paused) return;
          paused = true;
          sources.retire({ ...current, tasks: [] });
        },
        stop: () => sources.stop(),
        settled: () => sources.settled(),
        counts: () => sources.counts(),
      };
    },
  };
}

// `run --task` and `run --all`: tasks run now, in the foreground, in DAG order, through the same
// engine as the daemon's (a DAG session instead of the cron source). Ctrl-C or SIGTERM stops
// every running group, records the runs interrupted, and exits 3.
import { EXIT } from '../core/errors.js';
import type { Trigger } from '../core/types.js';
import { DagSession, type DagOutcome } from '../engine/dagSession.js';
import { Engine } from '../engine/engine.js';
import type { RunEvent } from '../engine/events.js';
import { composeEngine } from './compose.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { recoverOrphans } from './recoverOrphans.js';
import { findTask, selectAll, selectTask } from './selectTasks.js';
import { onStopSignals } from './signals.js';

export interface ForegroundRequest {
  task?: string;
  all: boolean;
  withDeps: boolean;
  /** A watch task's once-mode: seconds the whole run may take (default 30). */
  watchTimeout?: number;
}

export interface ForegroundResult {
  outcomes: DagOutcome[];
  exitCode: number;
  interruptedBy: string | null;
  /** Once-mode of a watch task: the line that says how the folder went (files processed, failed, left). */
  summary?: string;
}

export async function runForeground(paths: HomePaths, request: ForegroundRequest, onEvent: (event: RunEvent) => void): Promise<ForegroundResult> {
  const { config } = loadConfig(paths.config);
  if (!request.all && request.task && findTask(config, request.task).watch) {
    const { runWatchOnce } = await import('./watchOnce.js');
    return runWatchOnce(paths, { task: request.task, withDeps: request.withDeps, timeoutSeconds: request.watchTimeout ?? 30 }, onEvent);
  }
  const selection = request.all ? selectAll(config) : selectTask(config, request.task as string, request.withDeps);
  const trigger: Trigger = request.all ? 'once' : 'manual';
  const ctx = await composeEngine(paths, config, { source: 'foreground' });
  ctx.events.onAny(onEvent);
  ctx.logger.info({ trigger, tasks: selection.tasks.map((t) => t.name) }, 'foreground run started');
  // Signals are taken before the first process starts: a Ctrl-C an instant later must not
  // find the default action (death without a record).
  let interruptedBy: string | null = null;
  const engine = new Engine(ctx, config);
  const session = new DagSession(engine, { tasks: selection.tasks, unavailable: selection.unavailable }, trigger, ctx.clock.now(), ctx.store);
  const stopListening = onStopSignals((signal, n) => {
    interruptedBy ??= `interrupted by ${signal}`;
    if (n === 1) {
      session.stop(interruptedBy);
      engine.interruptAll(interruptedBy);
    } else engine.killAll();
  });
  try {
    await recoverOrphans(ctx.store, ctx.health, ctx.executor, config, ctx.logger, () => ctx.clock.now());
    session.start();
    const outcomes = await session.done;
    const failed = outcomes.some((o) => o.status === 'failed' || o.status === 'timeout');
    const exitCode = interruptedBy ? EXIT.interrupted : failed ? EXIT.taskFailed : EXIT.ok;
    ctx.logger.info({ trigger, exit_code: exitCode }, 'foreground run finished');
    return { outcomes, exitCode, interruptedBy };
  } finally {
    stopListening();
    await ctx.executor.close();
    await ctx.health.flush();
    ctx.store.close();
    ctx.logger.flush();
  }
}

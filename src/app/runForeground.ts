// `run --task` and `run --all`: tasks run now, in the foreground, in DAG order. Ctrl-C or
// SIGTERM stops every running group, records the runs interrupted, and exits 3.
import { EXIT } from '../core/errors.js';
import type { Trigger } from '../core/types.js';
import type { RunEvent } from '../engine/context.js';
import { DagRun, type DagOutcome } from '../engine/runDag.js';
import { composeEngine } from './compose.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { selectAll, selectTask } from './selectTasks.js';
import { onStopSignals } from './signals.js';

export interface ForegroundRequest {
  task?: string;
  all: boolean;
  withDeps: boolean;
}

export interface ForegroundResult {
  outcomes: DagOutcome[];
  exitCode: number;
  interruptedBy: string | null;
}

export async function runForeground(
  paths: HomePaths,
  request: ForegroundRequest,
  onEvent: (event: RunEvent) => void,
): Promise<ForegroundResult> {
  const { config } = loadConfig(paths.config);
  const selection = request.all ? selectAll(config) : selectTask(config, request.task as string, request.withDeps);
  const trigger: Trigger = request.all ? 'once' : 'manual';
  const ctx = await composeEngine(paths, config, { onEvent });
  ctx.logger.info({ trigger, tasks: selection.tasks.map((t) => t.name) }, 'foreground run started');
  // Signals are taken before the first process starts: a Ctrl-C an instant later must not
  // find the default action (death without a record).
  let interruptedBy: string | null = null;
  let dag: DagRun | null = null;
  const stopListening = onStopSignals((signal, n) => {
    interruptedBy ??= `interrupted by ${signal}`;
    if (n === 1) dag?.interrupt(interruptedBy);
    else dag?.kill();
  });
  dag = new DagRun(ctx, {
    tasks: selection.tasks,
    unavailable: selection.unavailable,
    maxConcurrent: config.settings.max_concurrent_tasks,
    trigger,
  });
  try {
    const outcomes = await dag.done;
    const failed = outcomes.some((o) => o.status === 'failed' || o.status === 'timeout');
    const exitCode = interruptedBy ? EXIT.interrupted : failed ? EXIT.taskFailed : EXIT.ok;
    ctx.logger.info({ trigger, exit_code: exitCode }, 'foreground run finished');
    return { outcomes, exitCode, interruptedBy };
  } finally {
    stopListening();
    await ctx.health.flush();
    ctx.store.close();
    ctx.logger.flush();
  }
}

// `run --task` and `run --all`: tasks run now, in the foreground, in DAG order, through the same
// engine as the daemon's (a DAG session instead of the cron source). Ctrl-C, SIGTERM or SIGHUP (the
// terminal or SSH session closed) stops every running group, records the runs interrupted, and
// exits 3. Killed outright (SIGKILL), the spawn helper stops the groups and the next command that
// writes the history records the runs interrupted.
import { ConductorError, EXIT } from '../core/errors.js';
import type { Config, Trigger } from '../core/types.js';
import { DagSession, type DagOutcome } from '../engine/dagSession.js';
import { Engine } from '../engine/engine.js';
import type { RunEvent } from '../engine/events.js';
import type { RunStore } from '../ports/runStore.js';
import { composeEngine } from './compose.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { readHeartbeat } from './pidFile.js';
import { recoverOrphans } from './recoverOrphans.js';
import { findTask, selectAll, selectTask } from './selectTasks.js';
import { osUser } from './remote/daemonEndpoint.js';
import { onStopSignals } from './signals.js';

/** An engine event as a foreground run shows it; once-mode adds the file a watch run works on. */
export type ProgressEvent = RunEvent & { file?: string };

export interface ForegroundRequest {
  task?: string;
  all: boolean;
  withDeps: boolean;
  /** The operator approves the runs of tasks that need approval (recorded as their approver). */
  approved?: boolean;
  /** A watch task's once-mode: seconds the whole run may take (default 30). */
  watchTimeout?: number;
}

export interface ForegroundResult {
  outcomes: DagOutcome[];
  exitCode: number;
  interruptedBy: string | null;
  /** Once-mode of a watch task: the line that says how the folder went (files processed, failed, left). */
  summary?: string;
  /** `run --all`: the tasks it did not run, and why (disabled, watching a folder). */
  notRun?: [task: string, why: string][];
}

/** `loaded`: the home's config when the caller has just loaded it (else it is loaded here). */
export async function runForeground(
  paths: HomePaths,
  request: ForegroundRequest,
  onEvent: (event: ProgressEvent) => void,
  loaded?: Config,
): Promise<ForegroundResult> {
  const config = loaded ?? loadConfig(paths.config).config;
  if (!request.all && request.task && findTask(config, request.task).watch) {
    const { runWatchOnce } = await import('./watchOnce.js');
    return runWatchOnce(paths, { task: request.task, withDeps: request.withDeps, timeoutSeconds: request.watchTimeout ?? 30, approved: request.approved === true }, onEvent);
  }
  const selection = request.all ? selectAll(config) : selectTask(config, request.task as string, request.withDeps);
  const trigger: Trigger = request.all ? 'once' : 'manual';
  const target = request.task ? selection.tasks.find((t) => t.name === request.task) : undefined;
  if (target?.approval && !request.approved) {
    throw new ConductorError(
      'USAGE',
      `task "${target.name}" needs approval before it runs${target.approval.message ? ` (${target.approval.message})` : ''}: run it with --approved to approve it yourself, or approve its waiting run in the daemon (symphony-conductor approve --run ID)`,
    );
  }
  const ctx = await composeEngine(paths, config, { source: 'foreground' });
  // (The engine is made below; the progress asks it only once a run has waited a second.)
  let engineRef: Engine | null = null;
  ctx.events.onAny(ctx.executor.remote ? sayWhenNoWorker(config, onEvent, (runId) => engineRef?.openRun(runId)?.state) : onEvent);
  ctx.logger.info({ trigger, tasks: selection.tasks.map((t) => t.name) }, 'foreground run started');
  // Signals are taken before the first process starts: a Ctrl-C an instant later must not
  // find the default action (death without a record).
  let interruptedBy: string | null = null;
  const engine = new Engine(ctx, config);
  engineRef = engine;
  const session = new DagSession(engine, { tasks: selection.tasks, unavailable: selection.unavailable }, trigger, ctx.clock.now(), ctx.store, request.approved === true);
  const stopListening = onStopSignals((signal, n) => {
    interruptedBy ??= `interrupted by ${signal}`;
    if (n === 1) {
      // The engine first: once it is stopping, a queued run the session ends lets no other start.
      engine.interruptAll(interruptedBy);
      session.stop(interruptedBy);
    } else engine.killAll();
  }, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  try {
    await recoverOrphans(ctx.store, ctx.health, ctx.executor, config, ctx.logger, () => ctx.clock.now(), {
      foundBy: `by a later run (pid ${process.pid})`,
      taskLog: ctx.taskLog,
      heartbeat: readHeartbeat(paths.pidFile),
    });
    session.start();
    const outcomes = await session.done;
    recordRunByHand(ctx.store, request, outcomes, ctx.clock.now(), target?.approval !== undefined && target.approval !== null);
    const failed = outcomes.some((o) => o.status === 'failed' || o.status === 'timeout');
    // A run that did not finish (its worker lost, a retry left by a drain, an operator's cancel)
    // is exit 3 as one stopped by a signal here, and as the same run through the daemon.
    const stopped = outcomes.some((o) => o.status === 'interrupted' || o.status === 'cancelled');
    const exitCode = interruptedBy || stopped ? EXIT.interrupted : failed ? EXIT.taskFailed : EXIT.ok;
    ctx.logger.info({ trigger, exit_code: exitCode }, 'foreground run finished');
    return { outcomes, exitCode, interruptedBy, ...(request.all && { notRun: [...selection.unavailable] }) };
  } finally {
    stopListening();
    await ctx.executor.close();
    await ctx.health.flush();
    ctx.store.close();
    ctx.logger.flush();
  }
}

/** How long a run's attempt may wait for a worker before the progress says so. */
const NO_WORKER_YET_MS = 1000;

/**
 * With the queue executor, a run whose attempt no worker has taken a second after it was sent
 * gets a progress line (`.. X: queued (waiting for a worker on queue Q)`), as `run --task`
 * through the daemon prints: a queue no worker serves does not look like a hang. A run still
 * waiting for a slot (`run --all`, max_concurrent_tasks) is not waiting for a worker: looked at
 * again a second later.
 */
function sayWhenNoWorker(config: Config, onEvent: (event: RunEvent) => void, stateOf: (runId: string) => string | undefined): (event: RunEvent) => void {
  const waiting = new Map<string, NodeJS.Timeout>();
  const settle = (runId: string) => {
    clearTimeout(waiting.get(runId));
    waiting.delete(runId);
  };
  const watch = (runId: string, task: string, trigger: Trigger, afterMs: number) => {
    settle(runId);
    const queue = config.tasks.find((t) => t.name === task)?.queue ?? 'default';
    const timer = setTimeout(() => {
      waiting.delete(runId);
      const state = stateOf(runId);
      if (state === 'queued') watch(runId, task, trigger, 0); // still waiting for a slot, not for a worker
      else if (state === 'running') onEvent({ type: 'run.queued', run_id: runId, task, trigger, at: Date.now(), fire_at: null, reason: `waiting for a worker on queue ${queue}` });
    }, afterMs + NO_WORKER_YET_MS);
    timer.unref();
    waiting.set(runId, timer);
  };
  return (event) => {
    onEvent(event);
    if (event.type === 'run.queued' && !event.reason) watch(event.run_id, event.task, event.trigger, 0);
    // A retry is queued for a worker once its delay is over: the same line if none takes it.
    else if (event.type === 'attempt.ended' && event.retry_in_ms !== null) watch(event.run_id, event.task, event.trigger, event.retry_in_ms);
    else if (event.type === 'attempt.started' || event.type === 'run.ended') settle(event.run_id);
  };
}

/** The audit log's row for a run by hand from this shell (the daemon writes its own for the API). */
function recordRunByHand(store: Pick<RunStore, 'recordAudit'>, request: ForegroundRequest, outcomes: DagOutcome[], at: number, approvalNeeded: boolean): void {
  const target = request.all ? null : (outcomes.find((o) => o.task === request.task) ?? null);
  const detail = request.all ? `run --all: ${outcomes.length} tasks` : `${request.withDeps ? 'with its upstream; ' : ''}ended ${target?.status ?? 'unknown'}`;
  store.recordAudit({ at, actor: osUser(), source: 'cli', action: 'run', task: request.task ?? null, run_id: target?.run_id ?? null, detail });
  if (request.approved && approvalNeeded) {
    store.recordAudit({ at, actor: osUser(), source: 'cli', action: 'approve', task: request.task ?? null, run_id: target?.run_id ?? null, detail: 'approved as it was asked for (--approved)' });
  }
}

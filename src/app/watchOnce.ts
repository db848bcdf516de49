// `run --task NAME` on a watch task: once-mode (seed 003). The matching files in the folder now
// are processed, at most `workers` at a time, each exactly as the daemon would (same rows, moves
// and status files; a file a running daemon has taken is left to it), then it exits: 0 every
// file succeeded (or there were none), 8 one failed for real or --watch-timeout ran out, 3 a
// signal stopped it (files not started stay in place, UNSPECIFIED), 1 the folder cannot be read.
import fs from 'node:fs';
import { decodeSurrogateEscape } from '../core/bytes/decodeSurrogateEscape.js';
import { ConductorError, EXIT } from '../core/errors.js';
import { onceExitCode } from '../core/watch/onceExitCode.js';
import type { DagOutcome } from '../engine/dagSession.js';
import { Engine } from '../engine/engine.js';
import type { RunEvent } from '../engine/events.js';
import { WatchSources } from '../engine/watch/watchSources.js';
import type { WatchTask } from '../engine/watch/watchTask.js';
import { composeEngine } from './compose.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { readHeartbeat } from './pidFile.js';
import { recoverOrphans } from './recoverOrphans.js';
import type { ForegroundResult, ProgressEvent } from './runForeground.js';
import { selectTask } from './selectTasks.js';
import { osUser } from './remote/daemonEndpoint.js';
import { onStopSignals } from './signals.js';
import { watchResolver, watchShared } from './watchComposition.js';
import { compileWatchSchemas, watchPaths } from './watchConfig.js';
import { makeDirs } from '../adapters/makeDirs.js';

export interface WatchOnceRequest {
  task: string;
  withDeps: boolean;
  /** Seconds the whole run may take (default 30). */
  timeoutSeconds: number;
  /** --approved: the files' runs need no approval (the task has an approval gate); audited as the caller's. */
  approved?: boolean;
}

export async function runWatchOnce(paths: HomePaths, request: WatchOnceRequest, onEvent: (event: ProgressEvent) => void): Promise<ForegroundResult> {
  if (request.withDeps) throw new ConductorError('USAGE', `task "${request.task}" watches a folder: run --task processes its files and runs no dependencies (drop --with-deps)`);
  // Its folders must be right; a webhook's secret or an API token is the daemon's business.
  const { config, shown } = loadConfig(paths.config, paths.home, { secrets: false });
  const task = selectTask(config, request.task, false).tasks[0]!;
  const schemas = await compileWatchSchemas(config, paths.home, shown);
  const dir = watchPaths(task, paths.home, paths.statusDir).dir;
  const names = listFolder(dir);
  const ctx = await composeEngine(paths, config, { source: 'foreground' });
  let watch: WatchTask | null = null;
  // Each line names the file its run works on: several files' runs of one task go at once.
  const fileOf = new Map<string, string>();
  ctx.events.onAny((event) => {
    if (event.trigger !== 'watch') return onEvent(event);
    let file = fileOf.get(event.run_id);
    const name = file === undefined ? watch?.flights.get(event.run_id)?.row.name : undefined;
    if (name !== undefined) fileOf.set(event.run_id, (file = decodeSurrogateEscape(name)));
    if (event.type === 'run.ended') fileOf.delete(event.run_id);
    onEvent(file === undefined ? event : { ...event, file });
  });
  const outcomes: (DagOutcome & { file: string | null })[] = [];
  // Before the watch task's own listener: its flight (and so the file's name) is still there.
  ctx.events.on('run.ended', (e) => {
    if (e.trigger !== 'watch') return;
    const name = watch?.flights.get(e.run_id)?.row.name;
    outcomes.push({ task: e.task, file: name ? decodeSurrogateEscape(name) : null, run_id: e.run_id, status: e.status, reason: e.reason, exit_code: e.exit_code });
  });
  const engine = new Engine(ctx, config);
  let stoppedBy: string | null = null;
  let signalled = false;
  let wake: () => void = () => {};
  const stop = (reason: string) => {
    stoppedBy ??= reason;
    watch?.stop();
    engine.interruptAll(reason);
    wake();
  };
  const stopListening = onStopSignals((signal, n) => {
    signalled = true;
    if (n === 1) stop(`interrupted by ${signal}`);
    else engine.killAll();
  });
  const cancelTimeout = ctx.clock.at(ctx.clock.now() + request.timeoutSeconds * 1000, () => stop(`--watch-timeout ${request.timeoutSeconds} s reached`));
  try {
    ctx.logger.info({ task: task.name, files: names.length, path: dir }, 'once-mode: processing the files in the folder');
    await recoverOrphans(ctx.store, ctx.health, ctx.executor, config, ctx.logger, () => ctx.clock.now(), { heartbeat: readHeartbeat(paths.pidFile) });
    const sources = new WatchSources(watchShared(ctx, engine, 'once', request.approved === true), watchResolver(paths, schemas, ctx));
    const running = sources.add(task, names);
    watch = running;
    await new Promise<void>((resolve) => {
      wake = resolve;
      running.onOnceChange(() => running.onceLeft.size === 0 && resolve());
      if (running.onceLeft.size === 0 || stoppedBy) resolve();
    });
    running.stop();
    await sources.settled();
    await engine.stop(stoppedBy ?? 'once-mode done', 0);
    const left = [...running.onceLeft].map((key) => Buffer.from(key, 'latin1'));
    await leaveUnspecified(running, left, stoppedBy ?? '');
    const counts = running.counts();
    const leftOver = left.length + running.onceStopped;
    const exitCode = onceExitCode({ failed: counts.failed, leftOver, signalled });
    const summary = `${task.name}: ${running.onceListed === 0 ? 'no files' : `${counts.processed} processed, ${counts.failed} failed, ${leftOver} left in place`}`;
    ctx.logger.info({ task: task.name, processed: counts.processed, failed: counts.failed, left: leftOver, exit_code: exitCode }, 'once-mode finished');
    // A run by hand, as any other run --task (workflow.md: every operator action is a row).
    const at = ctx.clock.now();
    ctx.store.recordAudit({ at, actor: osUser(), source: 'cli', action: 'run', task: task.name, run_id: null, detail: `once-mode: ${summary.slice(task.name.length + 2)}${stoppedBy ? `; ${stoppedBy}` : ''}` });
    if (request.approved && task.approval) {
      ctx.store.recordAudit({ at, actor: osUser(), source: 'cli', action: 'approve', task: task.name, run_id: null, detail: `approved as its files' runs were asked for (--approved): ${outcomes.length} run${outcomes.length === 1 ? '' : 's'}` });
    }
    return { outcomes, exitCode, interruptedBy: stoppedBy, summary: stoppedBy ? `${stoppedBy}; ${summary}` : summary };
  } finally {
    cancelTimeout();
    stopListening();
    await ctx.executor.close();
    await ctx.health.flush();
    ctx.store.close();
    ctx.logger.flush();
  }
}

/** The names in the folder (created when missing), or exit 1 when it cannot be read. */
function listFolder(dir: string): Buffer[] {
  try {
    makeDirs(dir);
    return fs.readdirSync(dir, { encoding: 'buffer' });
  } catch (error) {
    throw new ConductorError('PATH_NOT_WRITABLE', `${dir}: the watched folder cannot be read: ${(error as Error).message}`, { exitCode: EXIT.usage });
  }
}

/** Files listed but not started (a signal, the timeout): they stay where they are, with an UNSPECIFIED status file. */
async function leaveUnspecified(watch: WatchTask, names: Buffer[], reason: string): Promise<void> {
  for (const name of names) {
    watch.finishUnstarted(name, `not started: ${reason || 'the run ended'}`);
  }
  await watch.settled();
}

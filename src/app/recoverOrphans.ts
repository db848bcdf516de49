// After a conductor died (kill -9, power cut), its attempts are still `running` in the history.
// The next daemon (and any later command that opens the history for writing) marks them
// interrupted, and asks the executor to stop what they left running (their process group, if it
// is really theirs). Attempts and runs of a live conductor (a foreground `run` going on) are left
// alone. Runs of a dead foreground command that never started are recorded skipped; queued and
// waiting runs of a dead daemon, and its runs waiting to retry, are left for the next daemon to resume. An orphan that wrote its
// own file (it overlapped another run of its task) has that file finished and appended to the log.
// An interrupted attempt is recorded ended at its last sign of life (recoveredEnd: the dead daemon's
// heartbeat, the attempt's last output), not when it was found: a daemon down all night must not
// charge its runs (and their tasks' budgets) with the night. Its health line says when it was found.
import { isLiveProcess } from '../adapters/process/procfs.js';
import { healthTimestamp } from '../core/health.js';
import { recoveredEnd } from '../core/run/recoveredEnd.js';
import type { Config } from '../core/types.js';
import type { Executor } from '../ports/executor.js';
import type { HealthStore } from '../ports/healthWriter.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/runStore.js';
import type { TaskLog } from '../ports/taskLog.js';
import { handOverTaskLog } from '../engine/taskLogTurn.js';
import type { Heartbeat } from './pidFile.js';

export async function recoverOrphans(
  store: RunStore,
  health: HealthStore,
  executor: Executor,
  config: Config,
  logger: Logger,
  now: () => number,
  options: {
    /** Who found them, for the reason: `at start-up` (the daemon, the default), `by a later run (pid N)`. */
    foundBy?: string;
    /** The task logs, to finish the files of orphans that overlapped another run. */
    taskLog?: TaskLog;
    /** The daemon's heartbeat left in the pid file (read before a new daemon writes it): when a dead daemon was last alive. */
    heartbeat?: Heartbeat | null;
  } = {},
): Promise<number> {
  const foundBy = options.foundBy ?? 'at start-up';
  const leftovers = new Set<string>();
  const dead = (owner: { owner_pid: number | null; owner_start: number | null }) =>
    owner.owner_pid === null || !isLiveProcess(owner.owner_pid, owner.owner_start);
  const orphans = store.orphans().filter(dead);
  for (const row of orphans) {
    let exitCode: number | null = null;
    // An attempt sent to a remote executor that no worker took yet has the handle of its job.
    const handle = row.handle ?? (row.status === 'queued' ? (executor.handleOf?.(row.run_id, row.attempt) ?? null) : null);
    if (handle !== null) {
      const grace = config.tasks.find((t) => t.name === row.task)?.kill_grace ?? 10;
      exitCode = await executor.recover(handle, grace * 1000);
      if (exitCode !== null) logger.warn({ task: row.task, run_id: row.run_id, handle }, 'stopped what a run left by a dead conductor was still running');
    }
    const at = now();
    const heartbeat = options.heartbeat && options.heartbeat.pid === row.owner_pid ? options.heartbeat.at : null;
    const lastOutput = options.taskLog?.lastWrite(row.task, row.run_id, row.attempt) ?? null;
    const end = recoveredEnd({ startedAt: row.started_at, now: at, stoppedNow: exitCode !== null, signs: [heartbeat, lastOutput] });
    store.markInterrupted(row.id, end, exitCode, `the conductor (pid ${row.owner_pid ?? '?'}) stopped while this ran; found ${foundBy}`);
    health.write(row.task, { status: 'interrupted', timestamp: healthTimestamp(at), exit_code: exitCode });
    if (options.taskLog?.finishLeftover(row.task, row.run_id, row.attempt)) leftovers.add(row.task);
    logger.warn({ task: row.task, run_id: row.run_id, attempt: row.attempt }, 'marked a run left running as interrupted');
  }
  // Runs between attempts (waiting to retry) when their conductor died, and never-started runs of
  // a dead foreground command. A daemon's run that waits to retry with its due time recorded is
  // left for the next daemon to resume, as its queued runs are.
  for (const run of store.openRuns().filter(dead)) {
    const at = now();
    if (run.state === 'retrying' && run.source === 'daemon' && run.deadline !== null) continue;
    if (run.state === 'running' || run.state === 'retrying') {
      store.setRunState(run.run_id, 'interrupted', { reason: `the conductor (pid ${run.owner_pid ?? '?'}) stopped while this run was going`, finished_at: at });
    } else if (run.source === 'foreground') {
      const reason = `not started: the command that asked for it (pid ${run.owner_pid ?? '?'}) ended`;
      const rowId = store.firstRowOf(run.run_id);
      if (rowId !== null) store.finishAttempt(rowId, { status: 'skipped', finished_at: at, exit_code: null, signal: null, reason });
      store.setRunState(run.run_id, 'skipped', { reason, finished_at: at });
    }
  }
  const { taskLog } = options;
  if (taskLog) for (const task of leftovers) await handOverTaskLog({ store, taskLog, logger, clock: { now } }, task, null);
  await health.flush();
  return orphans.length;
}

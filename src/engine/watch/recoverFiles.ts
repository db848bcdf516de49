// At start (daemon or `run --task`), the files an earlier conductor left unfinished: a file whose
// run ended but that was not moved yet is moved now; a file whose run was interrupted (a
// shutdown, a crash) goes back to pending, its status file says UNSPECIFIED, and it runs again;
// a run the engine resumed (it was queued) keeps its file; a file whose run another live
// conductor owns (a `run --task` beside the daemon) is left to it.
import { pathIn } from '../../core/watch/fileNames.js';
import { fileOutcome } from '../../core/watch/fileOutcome.js';
import type { FinalStatus, RunState } from '../../core/types.js';
import type { StoredRun } from '../../ports/runStore.js';
import type { WatchTask } from './watchTask.js';
import type { WatchDeps } from './types.js';

const OPEN: ReadonlySet<RunState> = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

function correlationOf(run: StoredRun | null): string | null {
  if (!run?.payload) return run?.run_id ?? null;
  try {
    const payload = JSON.parse(run.payload) as { env?: Record<string, string> };
    return payload.env?.CONDUCTOR_CORRELATION_ID ?? run.run_id;
  } catch {
    return run.run_id;
  }
}

/** `skip(runId)`: a run another watch task of this process still follows (a reload). */
export function recoverFiles(watch: WatchTask, deps: WatchDeps, skip: (runId: string) => boolean): void {
  const { ctx, engine } = deps;
  const store = ctx.store;
  const now = ctx.clock.now();
  for (const row of store.watchFiles.unfinished(watch.name)) {
    if (row.run_id && skip(row.run_id)) continue;
    const run = row.run_id ? store.getRun(row.run_id) : null;
    const correlationId = correlationOf(run);
    if (row.state === 'running' && run && OPEN.has(run.state) && engine.openRun(run.run_id)) {
      watch.adopt({ row, task: watch.task, runId: run.run_id, slot: 0, startedAt: row.started_at ?? now, correlationId: correlationId ?? run.run_id, inode: null });
      continue;
    }
    // Another conductor alive (a daemon while `run --task` starts, or the other way round) owns
    // the run: it is still going, or that conductor is moving the file right now.
    if (run && run.owner_pid !== process.pid && deps.ownerAlive(run.owner_pid, run.owner_start)) {
      watch.remember(row);
      continue;
    }
    let status: FinalStatus;
    if (row.state === 'done') status = 'success';
    else if (row.state === 'failed') status = run && !OPEN.has(run.state) && run.state !== 'success' ? (run.state as FinalStatus) : 'failed';
    else status = run && !OPEN.has(run.state) ? (run.state as FinalStatus) : 'interrupted';
    const reason = run?.reason ?? (run ? null : 'its run is not in the history');
    const outcome = fileOutcome(status, reason);
    if (row.state === 'running') store.watchFiles.finish(row.id, outcome.state, run?.finished_at ?? now, reason);
    if (outcome.state !== 'pending') watch.remember(row);
    // Moved and its status file written, only the row's settled mark lost (it rides along with a
    // later commit): nothing to do again, least of all a second status file.
    const alreadyFinished =
      row.state !== 'running' && row.run_id !== null && deps.folder.stat(pathIn(deps.paths.dir, row.name)) === null && deps.folder.statusWritten(deps.paths.statusDir, row.name, row.run_id);
    ctx.logger.info({ task: watch.name, run_id: row.run_id, status: outcome.status, already_finished: alreadyFinished }, 'a watched file left unfinished by the previous conductor');
    watch.finish({
      row,
      task: watch.name,
      runId: row.run_id,
      correlationId,
      outcome,
      message: outcome.status === 'UNSPECIFIED' ? `not finished: ${reason ?? 'the conductor stopped while it ran'}` : (reason ?? (outcome.status === 'SUCCESS' ? 'processed' : 'failed')),
      slot: null,
      durationMs: run?.finished_at && row.started_at ? run.finished_at - row.started_at : null,
      attempts: run?.attempts ?? 0,
      alreadyFinished,
    });
  }
}

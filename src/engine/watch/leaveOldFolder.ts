// A reload gave a watch task another folder (`watch.path`): the files still pending in the old one
// are not the new folder's, and are not deleted either. Each of their rows ends (state `gone`, so a
// file of that name, size and mtime dropped into the new folder, or a return to the old path,
// makes it pending again) with a reason that says where it was left; the files are not touched.
import type { EngineContext } from '../context.js';
import type { WatchDeps } from './types.js';

export interface FolderChange {
  task: string;
  /** The config's `watch.path`, before and after, as written, and the folders they resolve to. */
  from: { path: string; dir: string };
  to: { path: string; dir: string };
  /** Added to the reason and the log line (a change made while no daemon ran). */
  reasonSuffix?: string;
}

const PAGE = 512;

/** Ends the rows of the files pending in the old folder (one commit); how many there were. */
export function leaveOldFolder(ctx: Pick<EngineContext, 'store' | 'clock' | 'logger'>, change: FolderChange): number {
  const { store, clock, logger } = ctx;
  const reason = `left in ${change.from.path}: the watch path changed to ${change.to.path}${change.reasonSuffix ?? ''}`;
  const at = clock.now();
  const left = store.batch(() => {
    let count = 0;
    for (let page = store.watchFiles.pendingAfter(change.task, 0, PAGE); page.length > 0; page = store.watchFiles.pendingAfter(change.task, page.at(-1)?.id ?? 0, PAGE)) {
      for (const row of page) store.watchFiles.markGone(row.id, at, reason);
      count += page.length;
    }
    return count;
  });
  if (left > 0) {
    logger.warn(
      { task: change.task, path: change.from.dir, new_path: change.to.dir, files: left },
      `the watch path changed${change.reasonSuffix ?? ''}: ${left} file${left === 1 ? '' : 's'} waiting in ${change.from.dir} stay there and will not run (move them into ${change.to.dir} to run them)`,
    );
  }
  return left;
}

/**
 * The same at a start, for a folder changed while no conductor ran (the history keeps the folder
 * each task's files were seen in): the old folder's waiting files stay there, as after a reload,
 * and so do the files whose run a dead conductor left unfinished (that run is interrupted by the
 * recovery of orphans; its file is not run again from a folder it is not in). Rows of a run a
 * live process still owns, or that the engine resumes, are left to it.
 */
export function leaveFolderChangedWhileStopped(deps: Pick<WatchDeps, 'ctx' | 'engine' | 'ownerAlive'>, change: FolderChange): void {
  const { ctx, engine } = deps;
  const reason = `left in ${change.from.path}: the watch path changed to ${change.to.path} while the daemon was stopped`;
  const at = ctx.clock.now();
  let unfinished = 0;
  for (const row of ctx.store.watchFiles.unfinished(change.task)) {
    const run = row.run_id ? ctx.store.getRun(row.run_id) : null;
    if (run && (engine.openRun(run.run_id) || deps.ownerAlive(run.owner_pid, run.owner_start))) continue;
    if (row.state === 'running') ctx.store.watchFiles.markGone(row.id, at, reason);
    else ctx.store.watchFiles.settle(row.id, null, reason);
    unfinished++;
  }
  leaveOldFolder(ctx, { ...change, reasonSuffix: ' while the daemon was stopped' });
  if (unfinished > 0) {
    ctx.logger.warn(
      { task: change.task, path: change.from.dir, new_path: change.to.dir, files: unfinished },
      `the watch path changed while the daemon was stopped: ${unfinished} file${unfinished === 1 ? '' : 's'} whose run was cut short stay in ${change.from.dir}`,
    );
  }
}

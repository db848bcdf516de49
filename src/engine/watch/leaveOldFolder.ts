// A reload gave a watch task another folder (`watch.path`): the files still pending in the old one
// are not the new folder's, and are not deleted either. Each of their rows ends (state `gone`, so a
// file of that name, size and mtime dropped into the new folder, or a return to the old path,
// makes it pending again) with a reason that says where it was left; the files are not touched.
import type { EngineContext } from '../context.js';

export interface FolderChange {
  task: string;
  /** The config's `watch.path`, before and after, as written, and the folders they resolve to. */
  from: { path: string; dir: string };
  to: { path: string; dir: string };
}

const PAGE = 512;

/** Ends the rows of the files pending in the old folder (one commit); how many there were. */
export function leaveOldFolder(ctx: Pick<EngineContext, 'store' | 'clock' | 'logger'>, change: FolderChange): number {
  const { store, clock, logger } = ctx;
  const reason = `left in ${change.from.path}: the watch path changed to ${change.to.path}`;
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
      `the watch path changed: ${left} file${left === 1 ? '' : 's'} waiting in ${change.from.dir} stay there and will not run (move them into ${change.to.dir} to run them)`,
    );
  }
  return left;
}

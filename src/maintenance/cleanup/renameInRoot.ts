// Renames inside the root, for the quarantine and for restore: through the safe-move helper
// (folders opened beneath the root without following any link, renameat2 RENAME_NOREPLACE)
// when it is built; else Node's rename after checking every folder on the way, which leaves a
// window between the check and the rename (docs/maintenance.md says so). Never replaces a file.
import fs from 'node:fs';
import { moveBeneath, safeMoveAvailable, type SafeMove, type SafeMoveReply } from '../../adapters/safeMove.js';
import { displayPath, fsPath, joinPath, parentOf, type BytePath } from '../shared/bytePath.js';
import { checkParents } from '../shared/checkParents.js';
import { fsAbsolute, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { pauseForTest } from '../shared/pauseForTest.js';

/** A rename of the helper's kind (`SafeMove`), its paths as byte paths relative to the root. */
export type RenameRequest = Omit<SafeMove, 'from' | 'to'> & { from: BytePath; to: BytePath };

/** How a rename ended: the helper's answer, or what Node's rename found when it gave none. */
export type RenameOutcome = NonNullable<SafeMoveReply>;

/** Renames every request, in order; one outcome each. */
export function renameInRoot(root: MaintenanceRoot, requests: RenameRequest[]): RenameOutcome[] {
  if (!safeMoveAvailable()) return requests.map((request) => renameWithNode(root, request));
  const replies = moveBeneath(root.rootText, requests.map((r) => ({ from: fsPath(r.from), to: fsPath(r.to), expect: r.expect, dirMode: r.dirMode })));
  return replies.map((reply, index) => reply ?? afterNoReply(root, requests[index] as RenameRequest));
}

/** The helper died before answering: the files say whether the rename happened. */
function afterNoReply(root: MaintenanceRoot, request: RenameRequest): RenameOutcome {
  const from = fs.lstatSync(fsAbsolute(root, request.from), { bigint: true, throwIfNoEntry: false });
  const to = fs.lstatSync(fsAbsolute(root, request.to), { bigint: true, throwIfNoEntry: false });
  if (!from && to && (request.expect === null || to.ino === request.expect.ino)) return { ok: true };
  return { ok: false, stage: 'rename', code: 'EIO', message: 'the safe-move helper stopped before answering' };
}

function renameWithNode(root: MaintenanceRoot, request: RenameRequest): RenameOutcome {
  const fail = (stage: 'source' | 'changed' | 'target' | 'rename', error: unknown): RenameOutcome => ({
    ok: false,
    stage,
    code: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN',
    message: (error as Error).message,
  });
  const parents = checkParents(root, request.from);
  if (!parents.ok) return { ok: false, stage: 'source', code: 'ELOOP', message: parents.detail };
  let now: fs.BigIntStats;
  try {
    now = fs.lstatSync(fsAbsolute(root, request.from), { bigint: true });
  } catch (error) {
    return fail('source', error);
  }
  const e = request.expect;
  if (e && (now.dev !== e.dev || now.ino !== e.ino || now.size !== e.size || now.mtimeNs !== e.mtimeNs)) {
    return { ok: false, stage: 'changed', code: 'ECHANGED', message: 'not the file that was checked (device, inode, size or time differ)' };
  }
  const made = makeFolders(root, parentOf(request.to), request.dirMode);
  if (made !== null) return made;
  if (fs.lstatSync(fsAbsolute(root, request.to), { throwIfNoEntry: false })) {
    return { ok: false, stage: 'rename', code: 'EEXIST', message: 'file already exists' };
  }
  pauseForTest('safe-move-before-rename');
  try {
    fs.renameSync(fsAbsolute(root, request.from), fsAbsolute(root, request.to));
  } catch (error) {
    return fail('rename', error);
  }
  return { ok: true };
}

/** Creates the missing folders of `dir`; a symlink or a file among them is refused. */
function makeFolders(root: MaintenanceRoot, dir: BytePath, mode: number): RenameOutcome | null {
  let path = '' as BytePath;
  for (const part of dir.length > 0 ? dir.split('/') : []) {
    path = joinPath(path, part);
    const abs = fsAbsolute(root, path);
    const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
    try {
      if (!stat) fs.mkdirSync(abs, { mode });
      else if (!stat.isDirectory()) return { ok: false, stage: 'target', code: stat.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR', message: `${displayPath(path)} is not a folder` };
    } catch (error) {
      return { ok: false, stage: 'target', code: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN', message: (error as Error).message };
    }
  }
  return null;
}

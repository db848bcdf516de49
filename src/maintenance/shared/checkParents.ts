// Is it safe to touch this root-relative path? Every directory on the way must be a real
// directory (not a symlink), and the parent's real path must be the root plus the parent path.
import fs from 'node:fs';
import { bytesOf, displayPath, fsPath, isContainedRelative, joinPath, parentOf, type BytePath } from './bytePath.js';
import type { MaintenanceRoot } from './maintenanceRoot.js';

export type PathCheck =
  | { ok: true }
  | { ok: false; outcome: 'refused' | 'skipped'; detail: string };

/** Checks the directories leading to `rel` (not `rel` itself: a symlink there is moved as a link). */
export function checkParents(root: MaintenanceRoot, rel: BytePath): PathCheck {
  if (!isContainedRelative(rel)) return { ok: false, outcome: 'refused', detail: 'path is outside the root' };
  const parts = rel.split('/');
  let dir = '' as BytePath;
  for (const part of parts.slice(0, -1)) {
    dir = joinPath(dir, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(fsPath(joinPath(root.root, dir)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, outcome: 'skipped', detail: 'vanished (its folder is gone)' };
      return { ok: false, outcome: 'refused', detail: `cannot check ${displayPath(dir)}: ${(error as Error).message}` };
    }
    if (stat.isSymbolicLink()) return { ok: false, outcome: 'refused', detail: `goes through a symlink (${displayPath(dir)})` };
    if (!stat.isDirectory()) return { ok: false, outcome: 'refused', detail: `${displayPath(dir)} is not a directory` };
  }
  const parent = parentOf(rel);
  const expected = parent.length === 0 ? root.root : joinPath(root.root, parent);
  try {
    const real = bytesOf(fs.realpathSync(fsPath(expected), { encoding: 'buffer' }));
    if (real !== expected) return { ok: false, outcome: 'refused', detail: 'resolves outside the root' };
  } catch (error) {
    return { ok: false, outcome: 'refused', detail: `cannot resolve its folder: ${(error as Error).message}` };
  }
  return { ok: true };
}

// A batch is restored only from folders the tools made: `.quarantine`, `.quarantine/<id>` and
// `.quarantine/<id>/files` must each be a real folder (never a symlink) owned by the user running
// the tools. A batch planted with `files` linked out of the root would otherwise have restore
// move files from anywhere into the root.
import fs from 'node:fs';
import { joinPath } from '../shared/bytePath.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { batchDir } from './manifest.js';

/** Null when the batch's folders are ours; else what is wrong, naming the folder. */
export function checkBatchDirs(root: MaintenanceRoot, batchId: string, uid: number | null = process.getuid?.() ?? null): string | null {
  const folders = [STATE.quarantine, batchDir(batchId), joinPath(batchDir(batchId), 'files')];
  for (const [index, rel] of folders.entries()) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(fsAbsolute(root, rel));
    } catch (error) {
      // A batch whose setup failed has no files/ folder: nothing of it to restore, nothing wrong.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && index === 2) return null;
      return `${rel}: ${(error as Error).message}`;
    }
    if (stat.isSymbolicLink()) return `${rel} is a symlink, not a folder the tools made`;
    if (!stat.isDirectory()) return `${rel} is not a folder`;
    if (uid !== null && stat.uid !== uid) return `${rel} belongs to uid ${stat.uid}, not to this user (${uid})`;
  }
  return null;
}

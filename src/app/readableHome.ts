// The home a reading command (status, history, audit) reads must be a folder: a --home or
// $CONDUCTOR_HOME that names nothing (a typo) or a file is said, exit 1, rather than read as a
// home where nothing has run yet. Inside a home that is there, no status/ folder or no history
// is "nothing recorded yet" (a fresh install); one that cannot be read is the reader's error.
import fs from 'node:fs';
import { ConductorError } from '../core/errors.js';

const WHICH = 'the home: --home, else $CONDUCTOR_HOME, else the current folder';

export function requireHomeFolder(home: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(home);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such folder'
        : code === 'ENOTDIR'
          ? 'not a folder (a part of that path is a file)'
          : code === 'EACCES' || code === 'EPERM'
            ? `cannot be reached: permission denied (${code})`
            : (error as Error).message;
    throw new ConductorError('USAGE', `${home}: ${why} (${WHICH})`, { cause: error });
  }
  if (!stat.isDirectory()) throw new ConductorError('USAGE', `${home}: a file, not a folder (${WHICH})`);
}

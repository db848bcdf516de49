// Makes sure the folders a command writes into exist and are folders we can write,
// or says which path is wrong.
import fs from 'node:fs';
import { ConductorError } from '../core/errors.js';
import { userName } from './userName.js';
import { makeDirs } from '../adapters/makeDirs.js';

/** `dir` made if missing, or the error naming why it cannot be written; `purpose` says what is written there. */
export function ensureWritableDir(dir: string, purpose?: string): void {
  try {
    makeDirs(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file stands where a folder should be'
        : code === 'EACCES' || code === 'EROFS'
          ? 'cannot create the folder (permission denied or read-only file system)'
          : (error as Error).message;
    throw new ConductorError('PATH_NOT_WRITABLE', `${dir}: ${why}`, { cause: error });
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    throw new ConductorError('PATH_NOT_WRITABLE', `${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!stat.isDirectory()) throw new ConductorError('PATH_NOT_WRITABLE', `${dir}: a file stands where a folder should be`);
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'EROFS' ? 'folder is on a read-only file system' : `folder is not writable by ${userName()}`;
    throw new ConductorError('PATH_NOT_WRITABLE', `${dir}: ${why}${purpose ? ` (${purpose})` : ''}`, { cause: error });
  }
}

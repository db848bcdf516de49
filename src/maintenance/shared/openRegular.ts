// Every file the tools read or append to is opened here: never through a final symlink
// (O_NOFOLLOW), never blocking on a fifo or device put in a file's place between a check and
// the open (O_NONBLOCK), and refused unless the descriptor is a regular file (fstat). A fifo
// swapped in after the scan used to hang `inventory`, and `cleanup execute` under its lock.
import fs from 'node:fs';

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** What a path is when it is not a regular file: `fifo`, `socket`, `device`, `directory`, `symlink`. */
export function kindOf(stat: fs.Stats | fs.BigIntStats): string {
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  return 'file';
}

/** Thrown for anything but a regular file; `code` lets callers tell it from I/O errors. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(kind: string) {
    super(`not a regular file (a ${kind})`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * A descriptor on the regular file at `path`, for reading, or for appending (created `mode` if
 * absent). ELOOP for a symlink; NotRegularFileError for a fifo, socket, device or folder. The
 * caller closes it.
 */
export function openRegular(path: fs.PathLike, purpose: 'read' | 'append', mode = 0o644): number {
  const flags = (purpose === 'read' ? O_RDONLY : O_WRONLY | O_APPEND | O_CREAT) | O_NOFOLLOW | O_NONBLOCK;
  const fd = fs.openSync(path, flags, mode);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularFileError(kindOf(stat));
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}

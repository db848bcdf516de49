// Small files read often (a /proc file at every run's end, 1,000 health files per `status`): one
// open, reads into a buffer shared by all callers, one close; a missing file costs no stack trace.
// readFileSync adds an fstat and a new buffer per file, and reads a /proc file (size 0) in
// growing chunks. A regular file that fits the buffer is read in one read: a read of a regular
// file returns less than asked for only at its end (health files are replaced by a rename, so
// an open one never grows), which saves the second read that would return 0 (1,000 of them per
// `status`). /proc files are read until a read returns 0.
import fs from 'node:fs';

let shared = Buffer.allocUnsafe(16 * 1024);

/**
 * The whole text of `file`, or null when it cannot be opened or read. `regular`: the file is a
 * regular file (not /proc), so a short read is its end.
 */
export function readText(file: string, encoding: 'latin1' | 'utf8', regular = false): string | null {
  let fd: number;
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  try {
    let size = 0;
    for (;;) {
      const wanted = shared.length - size;
      const read = fs.readSync(fd, shared, size, wanted, null);
      if (read === 0) return shared.toString(encoding, 0, size);
      size += read;
      if (regular && read < wanted) return shared.toString(encoding, 0, size);
      if (size === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, size);
        shared = bigger;
      }
    }
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Up to `length` bytes of `file` from `position`, as UTF-8, or null when it cannot be opened. */
export function readRange(file: string, position: number, length: number): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, position);
    return buffer.toString('utf8', 0, read);
  } finally {
    fs.closeSync(fd);
  }
}

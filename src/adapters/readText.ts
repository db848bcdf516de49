// Small files read often (a /proc file at every run's end, 1,000 health files per `status`): one
// open, reads into a buffer shared by all callers, one close; a missing file costs no stack trace.
// readFileSync adds an fstat and a new buffer per file, and reads a /proc file (size 0) in
// growing chunks.
import fs from 'node:fs';

let shared = Buffer.allocUnsafe(16 * 1024);

/** The whole text of `file`, or null when it cannot be opened or read. */
export function readText(file: string, encoding: 'latin1' | 'utf8'): string | null {
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
      const read = fs.readSync(fd, shared, size, shared.length - size, null);
      if (read === 0) return shared.toString(encoding, 0, size);
      size += read;
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

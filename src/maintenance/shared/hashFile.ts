// Content hashes (sha256) with a fixed read buffer, so a huge file costs time, not memory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { openRegular } from './openRegular.js';

const BUFFER = Buffer.allocUnsafe(1 << 20);

/** sha256 of a regular file's content, hex; anything else (a symlink, a fifo put in its place) is refused. */
export function hashFile(path: Buffer): string {
  const fd = openRegular(path, 'read');
  try {
    const hash = createHash('sha256');
    for (let read = fs.readSync(fd, BUFFER, 0, BUFFER.length, null); read > 0; read = fs.readSync(fd, BUFFER, 0, BUFFER.length, null)) {
      hash.update(BUFFER.subarray(0, read));
    }
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

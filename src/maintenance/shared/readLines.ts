// Reads a text file line by line with a fixed buffer (the inventory spool can be large).
import fs from 'node:fs';
import { openRegular } from './openRegular.js';

/** Calls `onLine` for each non-empty line of the file (UTF-8). */
export function forEachLine(path: Buffer, onLine: (line: string) => void): void {
  const fd = openRegular(path, 'read');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let carry: Buffer = Buffer.alloc(0);
  try {
    for (let read = fs.readSync(fd, buffer, 0, buffer.length, null); read > 0; read = fs.readSync(fd, buffer, 0, buffer.length, null)) {
      let chunk = Buffer.concat([carry, buffer.subarray(0, read)]);
      for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10)) {
        if (newline > 0) onLine(chunk.toString('utf8', 0, newline));
        chunk = chunk.subarray(newline + 1);
      }
      carry = Buffer.from(chunk);
    }
    if (carry.length > 0) onLine(carry.toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

// State files (inventory, manifests, registry) are never half-written: they are written to a
// temp file in the same directory, fsynced, renamed over the target, and the directory fsynced.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { fsPath, parentOf, type BytePath } from './bytePath.js';

const FLUSH_AT = 1 << 16;

/** A streaming writer: `write` pieces, then `commit` (atomic rename) or `abort` (temp removed). */
export interface AtomicWriter {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

/** The temp name used next to `target`; scans skip names that start with `<target>.`. */
export function tempNameFor(target: BytePath, kind = 'tmp'): BytePath {
  return `${target}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}` as BytePath;
}

export function openAtomic(target: BytePath, mode = 0o644): AtomicWriter {
  const temp = tempNameFor(target);
  const fd = fs.openSync(fsPath(temp), 'wx', mode);
  let pending: string[] = [];
  let pendingLength = 0;
  let open = true;
  const flush = (): void => {
    if (pendingLength === 0) return;
    const chunk = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingLength = 0;
    let offset = 0;
    while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset);
  };
  const close = (): void => {
    if (open) {
      open = false;
      fs.closeSync(fd);
    }
  };
  return {
    write(text) {
      pending.push(text);
      pendingLength += text.length;
      if (pendingLength >= FLUSH_AT) flush();
    },
    commit() {
      try {
        flush();
        fs.fsyncSync(fd);
        close();
        fs.renameSync(fsPath(temp), fsPath(target));
      } catch (error) {
        this.abort();
        throw error;
      }
      syncDirectory(parentOf(target));
    },
    abort() {
      try {
        close();
      } catch {
        // already closed
      }
      fs.rmSync(fsPath(temp), { force: true });
    },
  };
}

/** Writes a whole file atomically. */
export function writeFileAtomic(target: BytePath, text: string, mode = 0o644): void {
  const writer = openAtomic(target, mode);
  try {
    writer.write(text);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
}

/** fsync a directory so a rename in it survives a crash; best effort (some file systems refuse). */
export function syncDirectory(dir: BytePath): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(fsPath(dir.length > 0 ? dir : ('.' as BytePath)), 'r');
    fs.fsyncSync(fd);
  } catch {
    // directories cannot be fsynced everywhere; the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

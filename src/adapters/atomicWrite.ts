// Every state file (health files, the pid file, the inventory, manifests, the registry,
// reports) is replaced so that readers see the old content or the new, never an empty or half
// file: written to a temp file in the same folder (created O_EXCL, never through a symlink),
// fsynced, renamed over the target, and the folder fsynced so the rename survives a crash.
import fs from 'node:fs';

/** A path for node:fs: text, or the exact bytes of a name (the maintenance tools' byte paths). */
export type FsPath = string | Buffer;

export interface AtomicOptions {
  /** Permission bits of a new file (default 0644). */
  mode?: number;
  /** fsync the folder after the rename (default: true, except for writeFileAtomicAsync). */
  syncDir?: boolean;
}

const FLUSH_AT = 1 << 16;

/**
 * This process's part of its temp names: random, so that a process that got the pid of one that
 * died finds no name of its own taken; a counter then tells this process's names apart
 * (crypto's randomBytes at every name cost ~40 us, a hundred health files a second).
 */
let tempPrefix: string | null = null;
let tempCount = 0;

/** The temp name used next to `target`: `<target>.<kind>-<pid>-<random><count>` (scans skip `<target>.*`). */
export function tempNameFor<P extends FsPath>(target: P, kind = 'tmp'): P {
  // Math.random (seeded from the system's entropy per process), not node:crypto: loading crypto
  // cost `run --task` ~3 ms, and the name needs no secrecy (it is created O_EXCL, never followed).
  tempPrefix ??= Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  const suffix = `.${kind}-${process.pid}-${tempPrefix}${(tempCount++).toString(36)}`;
  return (typeof target === 'string' ? `${target}${suffix}` : Buffer.concat([target, Buffer.from(suffix)])) as P;
}

/** A streaming writer: `write` pieces, then `commit` (atomic rename) or `abort` (temp removed). */
export interface AtomicWriter {
  write(piece: string | Buffer): void;
  commit(): void;
  abort(): void;
}

export function openAtomic(target: FsPath, options: AtomicOptions = {}): AtomicWriter {
  const temp = tempNameFor(target);
  const fd = fs.openSync(temp, 'wx', options.mode ?? 0o644);
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let open = true;
  const flush = (): void => {
    if (pendingLength === 0) return;
    const chunk = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
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
    write(piece) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      pending.push(bytes);
      pendingLength += bytes.length;
      if (pendingLength >= FLUSH_AT) flush();
    },
    commit() {
      try {
        flush();
        fs.fsyncSync(fd);
        close();
        fs.renameSync(temp, target);
      } catch (error) {
        this.abort();
        throw error;
      }
      if (options.syncDir !== false) syncDirectory(folderOf(target));
    },
    abort() {
      try {
        close();
      } catch {
        // already closed
      }
      fs.rmSync(temp, { force: true });
    },
  };
}

/** Replaces a whole file atomically (content fsynced, then the folder). */
export function writeFileAtomic(target: FsPath, content: string | Buffer, options: AtomicOptions = {}): void {
  const writer = openAtomic(target, options);
  try {
    writer.write(content);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
}

/**
 * The same, with the I/O (fsync included) in libuv's thread pool, for the daemon's health
 * files. The folder is not fsynced unless asked: after a power cut the previous health file
 * may be back, never an empty or half one.
 */
export function writeFileAtomicAsync(target: string, content: string | Buffer, options: AtomicOptions = {}): Promise<void> {
  // Callbacks, not fs.promises: one promise a file instead of a FileHandle and a promise per
  // step (a hundred health files a second are written from the event loop's thread).
  const temp = tempNameFor(target);
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  return new Promise((resolve, reject) => {
    const fail = (error: Error, fd: number | null) => {
      const remove = () => fs.rm(temp, { force: true }, () => reject(error));
      if (fd === null) remove();
      else fs.close(fd, remove);
    };
    fs.open(temp, 'wx', options.mode ?? 0o644, (error, fd) => {
      if (error) {
        reject(error);
        return;
      }
      const writeFrom = (offset: number) => {
        if (offset >= data.length) {
          fs.fsync(fd, (error) => {
            if (error) return fail(error, fd);
            fs.close(fd, (error) => {
              if (error) return fail(error, null);
              fs.rename(temp, target, (error) => {
                if (error) return fail(error, null);
                if (options.syncDir === true) syncDirectory(folderOf(target));
                resolve();
              });
            });
          });
          return;
        }
        fs.write(fd, data, offset, data.length - offset, null, (error, written) => {
          if (error) fail(error, fd);
          else writeFrom(offset + written);
        });
      };
      writeFrom(0);
    });
  });
}

/**
 * Replaces files atomically off this thread, cheaper than libuv's pool: the spawn helper's
 * writer thread (one message a file on a pipe that is there anyway, one reply line; the pool
 * costs five requests a file, each waking a pool thread and then this one).
 */
export interface AtomicFileWriter {
  /**
   * Creates `temp` (O_EXCL, never through a symlink), writes `content` to it, fsyncs it and
   * renames it over `target`, in the order asked (the last write of a file wins); `done` is told
   * how it went, an error carrying `code` and `syscall` as node:fs's do (`code` WRITER_GONE: the
   * writer ended before it said; the file may or may not have been replaced). False, and `done`
   * is never called, when it cannot take this write (content it cannot carry).
   */
  writeAtomic(target: string, temp: string, content: string, done: (error: NodeJS.ErrnoException | null) => void): boolean;
}

/** The code of the error an AtomicFileWriter gives the writes it can no longer tell about. */
export const WRITER_GONE = 'WRITER_GONE';

/** fsync a folder so a rename in it survives a crash; best effort (some file systems refuse). */
export function syncDirectory(dir: FsPath): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir.length > 0 ? dir : '.', 'r');
    fs.fsyncSync(fd);
  } catch {
    // folders cannot be fsynced everywhere; the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function folderOf(file: FsPath): FsPath {
  if (typeof file === 'string') {
    const slash = file.lastIndexOf('/');
    return slash < 0 ? '.' : slash === 0 ? '/' : file.slice(0, slash);
  }
  const slash = file.lastIndexOf(0x2f);
  return slash < 0 ? '.' : slash === 0 ? Buffer.from('/') : file.subarray(0, slash);
}

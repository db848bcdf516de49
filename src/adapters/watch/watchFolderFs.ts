// The watched folders' file system (the WatchFolder port): listing, stat with nanosecond mtimes,
// reading a file for its JSON check, moving a file without replacing another, and writing the
// per-file status files of seed 003 atomically (temp file, fsync, then a link that refuses to
// replace: a second status for the same name and second gets `-2`).
import fs from 'node:fs';
import { pathIn, statusFileName } from '../../core/watch/fileNames.js';
import type { FileIdentity } from '../../core/watch/settleCheck.js';
import type { WatchFolder } from '../../ports/watchFolder.js';
import { watchFolder } from './folderWatcher.js';
import { moveNoReplace } from './moveNoReplace.js';
import { makeDirs } from '../makeDirs.js';

let counter = 0;
/** Read synchronously up to this size (see `read`). */
const SMALL_FILE = 1024 * 1024;

export function createWatchFolderFs(): WatchFolder {
  /** Folders made (or found) already: a move costs no mkdir. */
  const made = new Set<string>();
  const list = (dir: string): Buffer[] => {
    try {
      return fs.readdirSync(dir, { encoding: 'buffer' });
    } catch (error) {
      throw new Error(`${dir}: ${describe(error)}`);
    }
  };
  return {
    watch: (dir, listener, rescanMs) => watchFolder(dir, listener, rescanMs, list),
    list,
    stat(file: Buffer): FileIdentity | null {
      try {
        // throwIfNoEntry: a name that left the folder (most events of a busy one) costs no exception.
        const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
        return stat?.isFile() ? { size: Number(stat.size), mtimeNs: stat.mtimeNs, inode: `${stat.dev}:${stat.ino}` } : null;
      } catch {
        return null;
      }
    },
    async read(file: Buffer, size: number): Promise<Buffer> {
      try {
        // Small files (the usual intent file) are read at once: no round trip through libuv's
        // thread pool, where the fsyncs of status and health files queue.
        return size <= SMALL_FILE ? fs.readFileSync(file) : await fs.promises.readFile(file);
      } catch (error) {
        throw new Error(`cannot read the file: ${describe(error)}`);
      }
    },
    moveInto(file: Buffer, name: Buffer, dir: string, inode: string | null = null): Buffer | null | 'replaced' {
      const make = () => {
        try {
          makeDirs(dir);
        } catch (error) {
          throw new Error(`${dir} cannot be made: ${describe(error)}`);
        }
        made.add(dir);
      };
      // A failed move of a file that is gone is no failure: there was nothing left to move.
      const move = () => {
        try {
          return moveNoReplace(file, name, dir, inode);
        } catch (error) {
          if (gone(file)) return null;
          throw error;
        }
      };
      if (!made.has(dir)) make();
      try {
        return move();
      } catch (error) {
        made.delete(dir);
        if (fs.existsSync(dir)) throw error;
        make(); // removed since it was made (the watched folder removed and made again)
        return move();
      }
    },
    statusWritten(dir: string, name: Buffer, runId: string): boolean {
      // Status names start with the file's name (cut to fit NAME_MAX): its first bytes pick the
      // candidates, their run_id decides. Only recovery asks, for a file whose row was not settled.
      const prefix = name.subarray(0, 32);
      let names: Buffer[];
      try {
        names = fs.readdirSync(dir, { encoding: 'buffer' });
      } catch {
        return false;
      }
      const mark = `"run_id": ${JSON.stringify(runId)}`;
      return names.some((entry) => {
        if (!entry.subarray(0, prefix.length).equals(prefix) || !entry.toString('latin1').endsWith('.status')) return false;
        try {
          return fs.readFileSync(pathIn(dir, entry), 'utf8').includes(mark);
        } catch {
          return false;
        }
      });
    },
    async writeStatus(dir: string, name: Buffer, at: number, text: string): Promise<Buffer> {
      if (!made.has(dir)) {
        await call<void>(fs.mkdir, dir, { recursive: true });
        made.add(dir);
      }
      // The temporary file is opened, written and closed on the event loop (small, cheap calls);
      // the fdatasync, link and unlink go to the thread pool (each can wait on the disk or the
      // journal). Three round trips through the pool a file instead of six.
      const temp = pathIn(dir, Buffer.from(`.status.${process.pid}.${counter++}.tmp`));
      let fd: number;
      try {
        fd = fs.openSync(temp, 'w', 0o644);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        makeDirs(dir); // removed since it was made
        fd = fs.openSync(temp, 'w', 0o644);
      }
      try {
        fs.writeFileSync(fd, text); // loops over short writes
        await call(fs.fdatasync, fd);
      } catch (error) {
        fs.closeSync(fd);
        await call(fs.unlink, temp).catch(() => {});
        throw error;
      }
      fs.closeSync(fd);
      try {
        for (let n = 1; ; n++) {
          const target = pathIn(dir, statusFileName(name, at, n));
          try {
            await call(fs.link, temp, target);
            return target;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
            if (!fs.existsSync(target)) {
              await call(fs.rename, temp, target); // no hard links here: the name was free a moment ago
              return target;
            }
            throw error;
          }
        }
      } finally {
        await call(fs.unlink, temp).catch(() => {});
      }
    },
  };
}

/** `file` is not there (nor a folder on its way): ENOENT or ENOTDIR, not merely unreadable. */
function gone(file: Buffer): boolean {
  try {
    fs.lstatSync(file);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

/** A Node callback-style fs function as a promise. */
function call<T = void>(fn: (...args: never[]) => void, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (fn as (...a: unknown[]) => void)(...args, (error: Error | null, value: T) => (error ? reject(error) : resolve(value)));
  });
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'ENOTDIR') return 'not a folder';
  return (error as Error).message;
}

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

let counter = 0;

export function createWatchFolderFs(): WatchFolder {
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
        const stat = fs.statSync(file, { bigint: true });
        return stat.isFile() ? { size: Number(stat.size), mtimeNs: stat.mtimeNs } : null;
      } catch {
        return null;
      }
    },
    async read(file: Buffer, limit: number): Promise<Buffer> {
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r');
      } catch (error) {
        throw new Error(`cannot read the file: ${describe(error)}`);
      }
      try {
        const { size } = await handle.stat();
        if (size > limit) throw new Error(`the file is ${size} bytes, over the ${limit} bytes a JSON check reads`);
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    moveInto(file: Buffer, name: Buffer, dir: string): Buffer {
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw new Error(`${dir} cannot be made: ${describe(error)}`);
      }
      return moveNoReplace(file, name, dir);
    },
    async writeStatus(dir: string, name: Buffer, at: number, text: string): Promise<Buffer> {
      await fs.promises.mkdir(dir, { recursive: true });
      const temp = pathIn(dir, Buffer.from(`.status.${process.pid}.${counter++}.tmp`));
      const handle = await fs.promises.open(temp, 'w', 0o644);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        for (let n = 1; ; n++) {
          const target = pathIn(dir, statusFileName(name, at, n));
          try {
            await fs.promises.link(temp, target);
            return target;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
            if (!fs.existsSync(target)) {
              await fs.promises.rename(temp, target); // no hard links here: the name was free a moment ago
              return target;
            }
            throw error;
          }
        }
      } finally {
        await fs.promises.rm(temp, { force: true });
      }
    },
  };
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'ENOTDIR') return 'not a folder';
  return (error as Error).message;
}

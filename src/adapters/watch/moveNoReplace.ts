// Moving a watched file into its processed or failed folder: a rename, never a copy, and never
// over a file already there. rename(2) would replace one silently, so the file is hard-linked
// under its new name (link(2) fails with EEXIST instead of replacing), then unlinked from the
// watched folder; on a file system without hard links, a rename after checking the name is free.
// A crash between the link and the unlink leaves the same file under both names: the next try
// sees that and only unlinks. Another file system is refused (EXDEV): that would be a copy.
// Given the inode of the file that ran, a file renamed over its name meanwhile is not moved
// (`replaced`): it is a new file, with a run of its own.
import fs from 'node:fs';
import path from 'node:path';
import { pathIn, suffixedName } from '../../core/watch/fileNames.js';

const MAX_SUFFIX = 100_000;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

export function moveNoReplace(file: Buffer, name: Buffer, dir: string, inode: string | null = null): Buffer | 'replaced' {
  // Into the folder it is in (however `dir` is spelled: a symlink, `..`), the link would name
  // the file itself and the unlink would delete its only name.
  if (sameInode(folderOf(file), dir)) throw new Error(`${dir} is the folder the file is in: it is left there`);
  const other = (path: Buffer) => {
    const now = inodeOf(path);
    return inode !== null && now !== null && now !== inode;
  };
  if (other(file)) return 'replaced';
  let linkable = true;
  for (let n = 0; n <= MAX_SUFFIX; n++) {
    const target = pathIn(dir, n === 0 ? name : suffixedName(name, n));
    if (linkable) {
      try {
        fs.linkSync(file, target);
        // Renamed over between the look and the link: the new file's link goes, the file stays.
        if (other(target)) {
          fs.unlinkSync(target);
          return 'replaced';
        }
        // Renamed over since the link: the file that ran is moved, the new one keeps the name.
        if (!other(file)) fs.unlinkSync(file);
        return target;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (code === 'EEXIST') {
          if (sameInode(target, file)) {
            fs.unlinkSync(file);
            return target;
          }
          continue;
        }
        if (!NO_HARD_LINKS.has(code)) throw explain(error, dir);
        linkable = false;
      }
    }
    if (exists(target)) continue;
    try {
      fs.renameSync(file, target);
      return target;
    } catch (error) {
      throw explain(error, dir);
    }
  }
  throw new Error(`${dir} already holds ${MAX_SUFFIX} files of that name`);
}

/** The folder holding `file` (its bytes kept: latin1 maps each byte to one character and back). */
function folderOf(file: Buffer): Buffer {
  return Buffer.from(path.dirname(file.toString('latin1')), 'latin1');
}

/**
 * Both names lead to the same inode: the folder a file is in, or the same file under both names
 * (a link made before a crash, the unlink not yet done).
 */
function sameInode(a: Buffer | string, b: Buffer | string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** `dev:ino` of the file at `path` (as the watch folder's stat says it), or null. */
function inodeOf(path: Buffer): string | null {
  const stat = fs.statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.dev}:${stat.ino}` : null;
}

function exists(target: Buffer): boolean {
  try {
    fs.lstatSync(target);
    return true;
  } catch {
    return false;
  }
}

function explain(error: unknown, dir: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EXDEV') return new Error(`${dir} is on another file system (files are renamed, never copied)`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new Error(`${dir} cannot be written (${code})`);
  if (code === 'ENOENT') return new Error(`${dir} or the file is missing (ENOENT)`);
  if (code === 'ENOTDIR') return new Error(`${dir} is not a folder`);
  return new Error(`${dir}: ${(error as Error).message}`);
}

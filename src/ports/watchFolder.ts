// What a watch task needs of the file system: to be told about names in a folder, to look at,
// read and move a file, and to write a status file. Names and paths of files are bytes
// (Buffers): a name that is not UTF-8 is kept exactly.
import type { FileIdentity } from '../core/watch/settleCheck.js';

export interface FolderListener {
  /** Names in the folder that may have changed (created, written, renamed in or out). */
  names(names: Buffer[]): void;
  /** The folder was removed (or replaced by a file); nothing is noticed until it is back. */
  gone(): void;
  /** The folder exists (again): `names` follows with everything in it. */
  back(): void;
}

export interface FolderWatch {
  close(): void;
}

export interface WatchFolder {
  /**
   * Watches `dir` (not recursive) for names, and lists it again every `rescanMs` as a safety
   * net (inotify drops events when its queue overflows); notices the folder going and coming back.
   */
  watch(dir: string, listener: FolderListener, rescanMs: number): FolderWatch;
  /** The names in `dir`; throws an Error saying why it cannot be read. */
  list(dir: string): Buffer[];
  /** The file's identity, or null when it is not there or not a regular file. */
  stat(file: Buffer): FileIdentity | null;
  /** The file's bytes (`size`: as stat said); throws an Error saying why it cannot be read. */
  read(file: Buffer, size: number): Promise<Buffer>;
  /**
   * Moves (renames: never copies) `file` into `dir` under `name`, or `name-N.ext` when that is
   * taken; never overwrites. Returns the new path, or null when the file is no longer there to
   * move (its command, or anyone, moved or deleted it), or `replaced` when `inode` is given and
   * another file is under the name now (it is left where it is); throws an Error saying why it could not.
   */
  moveInto(file: Buffer, name: Buffer, dir: string, inode?: string | null): Buffer | null | 'replaced';
  /** Writes a status file atomically into `dir` (created if missing), never over another; returns its path. */
  writeStatus(dir: string, name: Buffer, at: number, text: string): Promise<Buffer>;
  /** Whether `dir` holds a status file of the file `name` for the run `runId` (recovery after a crash). */
  statusWritten(dir: string, name: Buffer, runId: string): boolean;
}


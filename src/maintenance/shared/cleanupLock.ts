// One writer at a time: a real cleanup, expiry run, restore, purge or registry change holds an
// exclusive flock(2) on `<root>/.cleanup.lock`. The lock belongs to a descriptor this process
// keeps open, so the kernel releases it when the process ends, however it ends: there is no
// stale lock to judge, no owner to trust, and no window where a just-created lock file looks
// abandoned (the old O_EXCL lock took an empty, just-created lock file for a stale one, so two
// concurrent `expire add` could both "hold" it and one registration was lost). The file is never
// removed (removing a flocked file lets two holders lock two files); the pid written in it while
// held is for people only.
import fs from 'node:fs';
import { lockOpenFile } from '../../adapters/safeMove.js';
import { ConductorError, EXIT } from '../../core/errors.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from './maintenanceRoot.js';
import { kindOf, NotRegularFileError } from './openRegular.js';

const { O_RDWR, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

export interface LockOptions {
  /** How long to wait for another holder (ms); 0 refuses at once. Registry changes wait. */
  waitMs?: number;
}

/** Runs `work` holding the lock; refuses (exit 8) while another process holds it. */
export function withCleanupLock<T>(root: MaintenanceRoot, work: () => T, options: LockOptions = {}): T {
  const fd = openLockFile(fsAbsolute(root, STATE.lock));
  try {
    let locked: boolean;
    try {
      locked = lockOpenFile(fd, options.waitMs ?? 0);
    } catch (error) {
      throw notTaken(error);
    }
    if (!locked) {
      const holder = readHolder(fd);
      throw new ConductorError('INPUT_INVALID', `Another cleanup is running${holder ? ` (pid ${holder})` : ''}; nothing was changed`, {
        problems: [{ where: STATE.lock, message: 'wait for it to finish (the lock goes when that process ends)' }],
        exitCode: EXIT.taskFailed,
      });
    }
    noteHolder(fd);
    return work();
  } finally {
    fs.closeSync(fd);
  }
}

function openLockFile(file: Buffer): number {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o644);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularFileError(kindOf(stat));
    return fd;
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    throw notTaken(error);
  }
}

function notTaken(error: unknown): ConductorError {
  return new ConductorError('PATH_NOT_WRITABLE', `Cannot take the cleanup lock ${STATE.lock}; nothing was changed`, {
    problems: [{ where: STATE.lock, message: (error as Error).message }],
    exitCode: EXIT.taskFailed,
    cause: error,
  });
}

/** The pid the holder wrote, or null (it may not have written it yet). */
function readHolder(fd: number): number | null {
  const buffer = Buffer.alloc(32);
  try {
    const pid = Number.parseInt(buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0)), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Writes our pid into the lock file, for people; a failure to write it changes nothing. */
function noteHolder(fd: number): void {
  try {
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, `${process.pid}\n`, 0);
  } catch {
    // information only
  }
}

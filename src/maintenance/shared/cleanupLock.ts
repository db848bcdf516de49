// One writer at a time: a real cleanup, expiry run, restore, purge or registry change holds
// `<root>/.cleanup.lock` (its pid inside). A lock left by a dead process is taken over.
import fs from 'node:fs';
import { ConductorError, EXIT } from '../../core/errors.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from './maintenanceRoot.js';
import { readTextNoFollow } from './noFollow.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(file: Buffer): number | null {
  try {
    const fd = fs.openSync(file, 'wx', 0o644);
    try {
      fs.writeSync(fd, `${process.pid}\n`);
    } catch (error) {
      fs.rmSync(file, { force: true });
      throw error;
    } finally {
      fs.closeSync(fd);
    }
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let holder = Number.NaN;
  try {
    holder = Number.parseInt(readTextNoFollow(file), 10);
  } catch {
    // unreadable or vanished: treat as stale below
  }
  return Number.isSafeInteger(holder) && holder > 0 ? holder : 0;
}

/** Runs `work` holding the lock; refuses (exit 8) while another live process holds it. */
export function withCleanupLock<T>(root: MaintenanceRoot, work: () => T): T {
  const file = fsAbsolute(root, STATE.lock);
  let holder: number | null;
  try {
    holder = tryLock(file);
    if (holder !== null && (holder === 0 || !alive(holder))) {
      fs.rmSync(file, { force: true });
      holder = tryLock(file);
    }
  } catch (error) {
    throw new ConductorError('PATH_NOT_WRITABLE', `Cannot take the cleanup lock ${STATE.lock}; nothing was changed`, {
      problems: [{ where: STATE.lock, message: (error as Error).message }],
      exitCode: EXIT.taskFailed,
      cause: error,
    });
  }
  if (holder !== null) {
    throw new ConductorError('INPUT_INVALID', `Another cleanup is running (pid ${holder}); nothing was changed`, {
      problems: [{ where: STATE.lock, message: 'wait for it to finish, or remove the file if that process is gone' }],
      exitCode: EXIT.taskFailed,
    });
  }
  try {
    return work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

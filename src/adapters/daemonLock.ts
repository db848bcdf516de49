// One daemon per home, held by two kernel locks that die with the daemon (so a stale
// conductor.pid never blocks a restart):
// - the home lock: an abstract Unix socket named after the home directory's identity (device and
//   inode). It has no file, so nothing under the home can be removed from under it: with
//   `rm -rf status/` a second daemon still cannot start. Abstract names are per network namespace;
// - the file lock: an exclusive SQLite (fcntl) lock on status/daemon.lock, which also holds across
//   network namespaces (two containers sharing a volume) and is what readers probe. Taking it
//   writes nothing once the file exists; when the file is removed, or could not be made (a full
//   disk), `repair()` takes it again.
// conductor.pid itself is information for people and tools.
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isDiskFull } from './fileSystemOf.js';
import { makeDirs } from './makeDirs.js';

export interface DaemonLock {
  /** True when status/daemon.lock was removed or replaced and has been taken again at its path. */
  repair(): boolean;
  release(): void;
}

/** The abstract socket name of a home: `\0symphony-conductor:home:DEV:INO`. */
export function homeLockName(home: string): string {
  const stat = fs.statSync(home);
  return `\0symphony-conductor:home:${stat.dev}:${stat.ino}`;
}

/** Takes both locks, or returns null when another daemon holds either. */
export async function acquireDaemonLock(home: string, file: string): Promise<DaemonLock | null> {
  const server = await listenOn(homeLockName(home));
  if (!server) return null;
  let current: FileLock | null = null;
  try {
    current = lockFile(file);
    if (!current) {
      server.close();
      return null;
    }
  } catch (error) {
    // A full disk cannot make a new lock file: the home lock alone holds until repair() can.
    if (!isDiskFull(error)) {
      server.close();
      throw error;
    }
  }
  return {
    repair() {
      if (current?.stillAt()) return false;
      let again: FileLock | null;
      try {
        makeDirs(path.dirname(file));
        again = lockFile(file);
      } catch {
        return false; // not yet (the disk is still full): the home lock still holds
      }
      if (!again) return false; // another process took the new file: the home lock still holds
      current?.close();
      current = again;
      return true;
    },
    release() {
      current?.close();
      server.close();
    },
  };
}

/** True when a daemon holds a lock of this home right now; never takes or creates anything. */
export function isDaemonLockHeld(file: string, home?: string): boolean {
  return fileLockHeld(file) || (home !== undefined && homeLockHeld(home));
}

/** node:net is loaded here, by the daemon only: `status` asks isDaemonLockHeld, which needs no socket. */
async function listenOn(name: string): Promise<net.Server | null> {
  const { default: net } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen({ path: name }, () => {
      server.unref();
      resolve(server);
    });
  });
}

interface FileLock {
  /** True while the path still names the locked file. */
  stillAt(): boolean;
  close(): void;
}

function lockFile(file: string): FileLock | null {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  const { dev, ino } = fs.statSync(file);
  return {
    stillAt() {
      try {
        const now = fs.statSync(file);
        return now.dev === dev && now.ino === ino;
      } catch {
        return false;
      }
    },
    close: () => db.open && db.close(),
  };
}

function fileLockHeld(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'SQLITE_BUSY';
  } finally {
    db?.close();
  }
}

/**
 * The home lock as /proc/net/unix lists it: an abstract name shows each NUL as `@`, the leading one
 * and the padding libuv binds with up to the end of sun_path.
 */
function homeLockHeld(home: string): boolean {
  let name: string;
  let table: string;
  try {
    name = `@${homeLockName(home).slice(1)}`;
    table = fs.readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return false;
  }
  return table.split('\n').some((line) => {
    const at = line.indexOf(` ${name}`);
    return at >= 0 && /^@*$/.test(line.slice(at + name.length + 1));
  });
}

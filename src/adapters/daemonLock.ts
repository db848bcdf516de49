// One daemon per home: an exclusive SQLite (fcntl) lock on status/daemon.lock, held for the
// daemon's life and released by the kernel when it dies, so a stale conductor.pid left by a
// killed daemon never blocks a restart. conductor.pid itself is information for people and tools.
import fs from 'node:fs';
import Database from 'better-sqlite3';

export interface DaemonLock {
  release(): void;
}

/** Takes the lock, or returns null when another process holds it. */
export function acquireDaemonLock(file: string): DaemonLock | null {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS held (at INTEGER)');
    db.prepare('INSERT INTO held (at) VALUES (?)').run(Date.now());
    db.exec('DELETE FROM held');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return { release: () => db.open && db.close() };
}

/** True when a daemon holds the lock of this home right now; never takes or creates anything. */
export function isDaemonLockHeld(file: string): boolean {
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

// conductor.pid: the running daemon's pid, for people and tools (the lock, not this file, decides).
// Its mtime is the daemon's heartbeat, renewed every second while runs are going (homeWatch): after
// a crash it says when the dead daemon was last alive, which is when its runs ended (the spawn
// helper stops them when the daemon dies), not when the next start found them.
import fs from 'node:fs';

/** The pid in the file, or null when there is no file or it does not hold one. */
export function readPidFile(file: string): number | null {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** Removes the pid file when it holds `pid` (this daemon's); another process's is left alone. */
export function removeOwnPidFile(file: string, pid: number): void {
  if (readPidFile(file) === pid) fs.rmSync(file, { force: true });
}

/** A daemon's last sign of life: the pid its pid file holds, and the file's mtime (ms). */
export interface Heartbeat {
  pid: number;
  at: number;
}

/** Renews the heartbeat: the pid file's mtime becomes `at` (ms). Best effort: a beat missed only makes a crash's runs end earlier. */
export function beatPidFile(file: string, at: number): void {
  try {
    fs.utimesSync(file, at / 1000, at / 1000);
  } catch {
    // gone or not writable this second: the next check writes the file again, or beats again
  }
}

/** The heartbeat a pid file holds, or null when there is none (no file, no pid in it). */
export function readHeartbeat(file: string): Heartbeat | null {
  const pid = readPidFile(file);
  if (pid === null) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? { pid, at: Math.floor(stat.mtimeMs) } : null;
}

// conductor.pid: the running daemon's pid, for people and tools (the lock, not this file, decides).
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

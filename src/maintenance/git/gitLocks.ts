// Is another git process working on the repository? Read the lock files git leaves while it
// works, then decide (pure, time is an argument) whether one is held or only a stale leftover.
//   - gc.pid ("<pid> <host>"), as git gc itself decides: held when that pid is alive on this
//     host, or, for another host, when the file is less than 12 hours old;
//   - index.lock, packed-refs.lock, HEAD.lock, config.lock, shallow.lock: held when less than
//     an hour old; an older one is reported as stale and left alone (gc does not need it).
import fs from 'node:fs';
import path from 'node:path';
import { readTextNoFollow } from '../shared/noFollow.js';

export const LOCK_FILES = ['gc.pid', 'index.lock', 'packed-refs.lock', 'HEAD.lock', 'config.lock', 'shallow.lock'] as const;

const GC_PID_MAX_AGE_MS = 12 * 3_600_000;
const LOCK_MAX_AGE_MS = 3_600_000;

export interface LockFile {
  name: string;
  mtimeMs: number;
  /** First line of the file (gc.pid only). */
  content: string | null;
}

export interface LockVerdict {
  /** Why the repository is busy, or null when it is free. */
  held: string | null;
  /** Lock files left over by a git process that is gone. */
  stale: string[];
}

export interface LockContext {
  now: number;
  hostname: string;
  isAlive: (pid: number) => boolean;
}

/** The lock files present in `gitDir`. */
export function readLockFiles(gitDir: string): LockFile[] {
  const found: LockFile[] = [];
  for (const name of LOCK_FILES) {
    const file = path.join(gitDir, name);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(file);
    } catch {
      continue;
    }
    let content: string | null = null;
    if (name === 'gc.pid' && stat.isFile()) {
      try {
        content = (readTextNoFollow(file).split('\n')[0] ?? '').trim();
      } catch {
        content = null;
      }
    }
    found.push({ name, mtimeMs: stat.mtimeMs, content });
  }
  return found;
}

/** Decides from the lock files found whether the repository is busy. */
export function judgeGitLocks(locks: LockFile[], context: LockContext): LockVerdict {
  const verdict: LockVerdict = { held: null, stale: [] };
  for (const lock of locks) {
    const ageMs = context.now - lock.mtimeMs;
    const why = lock.name === 'gc.pid' ? gcPidHeld(lock, ageMs, context) : ageMs < LOCK_MAX_AGE_MS ? `.git/${lock.name}, ${age(ageMs)} old` : null;
    if (why !== null) verdict.held ??= why;
    else verdict.stale.push(`.git/${lock.name} (${age(ageMs)} old)`);
  }
  return verdict;
}

function gcPidHeld(lock: LockFile, ageMs: number, context: LockContext): string | null {
  const match = /^(\d+)\s+(\S+)/.exec(lock.content ?? '');
  if (match) {
    const pid = Number(match[1]);
    const host = match[2] as string;
    if (host === context.hostname) return context.isAlive(pid) ? `.git/gc.pid: git gc pid ${pid} is running` : null;
    return ageMs < GC_PID_MAX_AGE_MS ? `.git/gc.pid: git gc pid ${pid} on ${host}, ${age(ageMs)} old` : null;
  }
  return ageMs < GC_PID_MAX_AGE_MS ? `.git/gc.pid, ${age(ageMs)} old` : null;
}

/** Whether a pid is alive (EPERM means it is, owned by someone else). */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

// Each task's output file, logs/automation/<task>.log: rotated by size before an attempt
// starts (so one run's output is never cut), then a header line, then the process writes
// straight into the file descriptor; nothing passes through the conductor's memory. A folder
// removed under a running conductor (`rm -rf logs/`) is made again at the next attempt.
import fs from 'node:fs';
import path from 'node:path';
import type { AttemptHeader, TaskLog } from '../ports/taskLog.js';

export const HEADER_PREFIX = '=== symphony-conductor ';

export function formatHeader(header: AttemptHeader): string {
  const at = new Date(header.at).toISOString();
  return `${HEADER_PREFIX}run=${header.run_id} attempt=${header.attempt} task=${header.task} trigger=${header.trigger} at=${at} ===\n`;
}

/** Reads a header line back; null when the line is task output. */
export function parseHeader(line: string): { run_id: string; attempt: number; at: string } | null {
  if (!line.startsWith(HEADER_PREFIX)) return null;
  const match = /run=(\S+) attempt=(\d+) task=\S+ trigger=\S+ at=(\S+) ===/.exec(line);
  return match ? { run_id: match[1] as string, attempt: Number(match[2]), at: match[3] as string } : null;
}

export function createTaskLog(dir: string, limits: { maxBytes: number; keep: number }): TaskLog {
  const file = (task: string) => path.join(dir, `${task}.log`);
  return {
    path: file,
    openAttempt(header: AttemptHeader): number {
      const target = file(header.task);
      rotateIfLarge(target, limits.maxBytes, limits.keep);
      const fd = openAppending(target);
      fs.writeSync(fd, formatHeader(header));
      return fd;
    },
    close(fd: number): void {
      fs.closeSync(fd);
    },
  };
}

/** Opens `file` for appending; its folder is made first when it is missing (never made, or removed). */
function openAppending(file: string): number {
  try {
    return fs.openSync(file, 'a', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, 'a', 0o644);
  }
}

/** `<task>.log` over `maxBytes` becomes `<task>.log.1`; older ones shift up, beyond `keep` they go. */
export function rotateIfLarge(file: string, maxBytes: number, keep: number): boolean {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  if (keep === 0) {
    fs.rmSync(file, { force: true });
    return true;
  }
  fs.rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    try {
      fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  fs.renameSync(file, `${file}.1`);
  return true;
}

// Each task's output file, logs/automation/<task>.log: rotated by size before an attempt
// starts (so one run's output is never cut), then a header line, then the process writes
// straight into the file descriptor; nothing passes through the conductor's memory. A folder
// removed under a running conductor (`rm -rf logs/`) is made again at the next attempt.
// An attempt that overlaps another run of the task (concurrency_policy allow or replace, a run of
// another process) writes logs/automation/.concurrent/<task>/<run_id>.<attempt>.log instead,
// renamed .done when it ends, and appended whole to the task's log when that is free (read at once
// up to 1 MiB, streamed beyond).
// On a full file system the attempt still runs (it may be the one that frees space): its output
// goes to /dev/null and the attempt says why.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AttemptHeader, AttemptLog, TaskLog } from '../ports/taskLog.js';
import { describeFullFileSystem, isDiskFull } from './fileSystemOf.js';
import { readRange } from './readText.js';
import { makeDirs } from './makeDirs.js';

export const HEADER_PREFIX = '=== symphony-conductor ';
/** The folder, beside the task logs, of the output of attempts that overlapped another run. */
export const CONCURRENT_FOLDER = '.concurrent';

export function formatHeader(header: AttemptHeader): string {
  const at = new Date(header.at).toISOString();
  return `${HEADER_PREFIX}run=${header.run_id} attempt=${header.attempt} task=${header.task} trigger=${header.trigger} at=${at} ===\n`;
}

/**
 * Reads a header line back; null when the line is task output. Given the log's task, a header of
 * another task is output too: a task that prints another task's log (a report, a mail) does not
 * make its own log look like that task's runs.
 */
export function parseHeader(line: string, task?: string): { run_id: string; attempt: number; at: string } | null {
  if (!line.startsWith(HEADER_PREFIX)) return null;
  const match = /run=(\S+) attempt=(\d+) task=(\S+) trigger=\S+ at=(\S+) ===/.exec(line);
  if (!match || (task !== undefined && match[3] !== task)) return null;
  return { run_id: match[1] as string, attempt: Number(match[2]), at: match[4] as string };
}

/** The task of a log file: `<task>.log`, or rotated, `<task>.log.N`. */
export function taskOfLog(file: string): string {
  return path.basename(file).replace(/\.log(?:\.\d+)?$/, '');
}

/** The folder of a task's overlapping attempts, given the path of its log file. */
export function concurrentDir(taskLogFile: string): string {
  return path.join(path.dirname(taskLogFile), CONCURRENT_FOLDER, path.basename(taskLogFile, '.log'));
}

export interface ConcurrentFile {
  file: string;
  run_id: string;
  attempt: number;
  /** The attempt has ended; the file waits to be appended to the task's log. */
  finished: boolean;
}

/** The overlapping attempts' files of a task, by run id (time-ordered) and attempt. */
export function concurrentFiles(taskLogFile: string): ConcurrentFile[] {
  const dir = concurrentDir(taskLogFile);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const files: ConcurrentFile[] = [];
  for (const name of names) {
    const match = /^(.+)\.(\d+)\.(log|done)$/.exec(name);
    if (match) files.push({ file: path.join(dir, name), run_id: match[1] as string, attempt: Number(match[2]), finished: match[3] === 'done' });
  }
  return files.sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : a.attempt - b.attempt));
}

export function createTaskLog(dir: string, limits: { maxBytes: number; keep: number }): TaskLog {
  const file = (task: string) => path.join(dir, `${task}.log`);
  const own = (task: string, runId: string, attempt: number, ending: 'log' | 'done') =>
    path.join(concurrentDir(file(task)), `${runId}.${attempt}.${ending}`);
  return {
    path: file,
    openAttempt(header: AttemptHeader, direct: boolean, deferHeader = false): AttemptLog {
      const target = direct ? file(header.task) : own(header.task, header.run_id, header.attempt, 'log');
      try {
        let fd = openAppending(target);
        let size = fs.fstatSync(fd).size;
        // The task's log is rotated when it has grown too large; a stat of it before opening cost
        // a call a run (and an exception for a task's first run, with no log yet). Before a retry
        // only when the run's earlier attempts are kept (in .1): with log_keep 0 the rotation
        // would delete them, and one run's output is never cut.
        if (direct && (header.attempt === 1 || limits.keep > 0) && size > limits.maxBytes) {
          fs.closeSync(fd);
          rotateIfLarge(target, limits.maxBytes, limits.keep);
          fd = openAppending(target);
          size = fs.fstatSync(fd).size;
        }
        if (deferHeader) {
          const opened = fd;
          return {
            fd,
            path: target,
            direct,
            writeHeader: (at) => {
              const now = fs.fstatSync(opened).size;
              fs.writeSync(opened, `${endsLine(opened, now) ? '' : '\n'}${formatHeader({ ...header, at })}`);
            },
          };
        }
        try {
          fs.writeSync(fd, `${endsLine(fd, size) ? '' : '\n'}${formatHeader(header)}`);
        } catch (error) {
          fs.closeSync(fd);
          throw error;
        }
        return { fd, path: target, direct };
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        const lost = `its output was not kept (${target}: ${(error as Error).message}; ${describeFullFileSystem(target)})`;
        return { fd: fs.openSync('/dev/null', 'a'), path: '/dev/null', direct, lost };
      }
    },
    note(log: AttemptLog, line: string): void {
      if (log.lost) return;
      try {
        fs.writeSync(log.fd, `${line}\n`);
      } catch {
        // a full disk: the reason is in the history anyway
      }
    },
    close(log: AttemptLog): void {
      fs.closeSync(log.fd);
      if (!log.direct && !log.lost) finish(log.path);
    },
    lastWrite(task: string, runId: string, attempt: number): number | null {
      const leftover = fs.statSync(own(task, runId, attempt, 'log'), { throwIfNoEntry: false });
      if (leftover) return Math.floor(leftover.mtimeMs);
      const target = file(task);
      const stat = fs.statSync(target, { throwIfNoEntry: false });
      if (!stat) return null;
      const last = lastHeader(target, stat.size, task);
      return last === null || (last.run_id === runId && last.attempt === attempt) ? Math.floor(stat.mtimeMs) : null;
    },
    finishLeftover(task: string, runId: string, attempt: number): boolean {
      return finish(own(task, runId, attempt, 'log'));
    },
    hasFinished(task: string): boolean {
      // Asked at every attempt's end: a listing, no parsing or sorting; usually there is no folder,
      // and a stat that says so costs a tenth of the exception a listing throws.
      const dir = concurrentDir(file(task));
      if (!fs.statSync(dir, { throwIfNoEntry: false })) return false;
      try {
        return fs.readdirSync(dir).some((name) => name.endsWith('.done'));
      } catch {
        return false;
      }
    },
    async appendFinished(task: string): Promise<number> {
      const target = file(task);
      const finished = concurrentFiles(target).filter((f) => f.finished);
      if (finished.length === 0) return 0;
      // One open of the log for all of them (a burst of watched files ends hundreds at once); its
      // size is followed, so it is still rotated between two runs' output, never within one.
      let out: { fd: number; size: number; endsLine: boolean } | null = null;
      const open = () => {
        rotateIfLarge(target, limits.maxBytes, limits.keep);
        const fd = openAppending(target);
        const size = fs.fstatSync(fd).size;
        return { fd, size, endsLine: endsLine(fd, size) };
      };
      let count = 0;
      try {
        for (const done of finished) {
          if (out && out.size > limits.maxBytes) {
            fs.closeSync(out.fd);
            out = null;
          }
          out ??= open();
          // A run whose output did not end its last line: the next header starts a line of its own.
          if (!out.endsLine) out.size += fs.writeSync(out.fd, '\n');
          const appended = await appendWhole(done.file, target, out.fd);
          out.size += appended.bytes;
          if (appended.bytes > 0) out.endsLine = appended.endsLine;
          fs.rmSync(done.file, { force: true });
          count++;
        }
      } finally {
        if (out) fs.closeSync(out.fd);
      }
      return count;
    },
  };
}

/** Finished output up to this size is read and written at once; a larger one is streamed. */
const WHOLE_BYTES = 1024 * 1024;

/** Appends `file` to the open log `fd` (of `log`); never more than WHOLE_BYTES in memory. */
async function appendWhole(file: string, log: string, fd: number): Promise<{ bytes: number; endsLine: boolean }> {
  const source = fs.openSync(file, 'r');
  let size: number;
  try {
    size = fs.fstatSync(source).size;
    if (size <= WHOLE_BYTES) {
      const buffer = Buffer.allocUnsafe(size);
      let read = 0;
      while (read < size) {
        const n = fs.readSync(source, buffer, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      let written = 0;
      while (written < read) written += fs.writeSync(fd, buffer, written, read - written);
      return { bytes: read, endsLine: read === 0 || buffer[read - 1] === 10 };
    }
  } finally {
    fs.closeSync(source);
  }
  await pipeline(fs.createReadStream(file), fs.createWriteStream(log, { fd, autoClose: false }));
  return { bytes: size, endsLine: endsLine(fd) };
}

/**
 * True when the file is empty or ends with a newline: a header written after output that did not
 * end its last line would be glued to it, and not be read back as a header.
 */
function endsLine(fd: number, size = fs.fstatSync(fd).size): boolean {
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] === 10;
}

/** How far back from its end a task's log is searched for its last header. */
const TAIL_BYTES = 64 * 1024;

/**
 * The last header in the final TAIL_BYTES of a log, or null when there is none there (the output
 * at its end is then one attempt's, which started earlier).
 */
function lastHeader(file: string, size: number, task: string): ReturnType<typeof parseHeader> {
  const length = Math.min(size, TAIL_BYTES);
  const text = readRange(file, size - length, length);
  if (text === null) return null;
  const at = text.lastIndexOf(HEADER_PREFIX);
  for (let from = at; from >= 0; from = from === 0 ? -1 : text.lastIndexOf(HEADER_PREFIX, from - 1)) {
    // A header starts a line (output may mention the prefix anywhere).
    if (from > 0 && text[from - 1] !== '\n') continue;
    const header = parseHeader(text.slice(from, text.indexOf('\n', from) + 1 || undefined), task);
    if (header) return header;
  }
  return null;
}

/** `<run>.<attempt>.log` becomes `.done`; false when there was no such file. */
function finish(file: string): boolean {
  try {
    fs.renameSync(file, file.replace(/\.log$/, '.done'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Opens `file` for appending; its folder is made first when it is missing (never made, or removed). */
function openAppending(file: string): number {
  try {
    return fs.openSync(file, 'a+', 0o644); // a+: endsLine() reads the last byte
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    makeDirs(path.dirname(file));
    return fs.openSync(file, 'a+', 0o644); // a+: endsLine() reads the last byte
  }
}

/** `<task>.log.N` for every N over `keep`: what a larger log_keep of before left (rotations are rare: one listing each). */
function removeBeyond(file: string, keep: number): void {
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const n = name.slice(base.length + 1);
    if (/^[1-9]\d*$/.test(n) && Number(n) > keep) fs.rmSync(path.join(path.dirname(file), name), { force: true });
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
  removeBeyond(file, keep);
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

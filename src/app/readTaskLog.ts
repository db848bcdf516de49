// `logs`: copies one run's sections out of a task's log files to a stream, chunk by chunk,
// holding at most one header-sized line in memory, whatever the task printed; between chunks it
// waits while the reader is behind (a pipe keeps whatever it is handed). A run that overlapped
// another run of its task wrote its own file (.concurrent/<task>/), appended whole to the task's
// log once it ended: a section is read from its own file while that exists, and from the task's
// log otherwise, never from both.
import fs from 'node:fs';
import { concurrentFiles, HEADER_PREFIX, parseHeader, taskOfLog, type ConcurrentFile } from '../adapters/fileTaskLog.js';
import { readRange } from '../adapters/readText.js';

const HEADER = Buffer.from(HEADER_PREFIX);
/** A line end followed by what may start a header: output up to it cannot hold one. */
const MAYBE_NEXT_HEADER = Buffer.from(`\n${HEADER_PREFIX[0]}`);
const MAX_HEADER_LINE = 1024;

export interface SectionHeader {
  run_id: string;
  attempt: number;
  at: string;
}

/** A section's key: run and attempt. */
export const sectionKey = (s: { run_id: string; attempt: number }) => `${s.run_id}#${s.attempt}`;

/** Awaited after each chunk copied: a promise while the reader of the output is behind, else null. */
export type Drained = () => Promise<void> | null;
const neverBehind: Drained = () => null;

/** The task's log files, oldest first: <task>.log.N ... <task>.log.1, <task>.log. */
export function logFiles(current: string, keep: number): string[] {
  const files: string[] = [];
  for (let i = Math.max(keep, 20); i >= 1; i--) if (fs.existsSync(`${current}.${i}`)) files.push(`${current}.${i}`);
  if (fs.existsSync(current)) files.push(current);
  return files;
}

/**
 * The run of the latest attempt to start (as `history` orders them): the latest header's of the
 * log, or of an overlapping run's own file. Not the log's last section: overlapping runs are
 * appended as they end, so a run that started earlier may come last.
 */
export async function lastRunId(current: string): Promise<string | null> {
  let latest: SectionHeader | null = null;
  const later = (header: SectionHeader) => latest === null || header.at >= latest.at;
  await scanFile(current, (header) => {
    if (later(header)) latest = header;
    return false;
  }, () => {});
  for (const own of concurrentFiles(current)) {
    const header = firstHeader(own.file);
    if (header && later(header)) latest = header;
  }
  return (latest as SectionHeader | null)?.run_id ?? null;
}

/**
 * Streams the sections (header and output) of run `runId` from `files` to `write`, leaving out
 * the sections whose key is in `skip`, and reading the file of inode `upTo.ino` (the log, or the
 * same log rotated meanwhile) only to byte `upTo.end`, where a follow goes on. Returns true when
 * the run was found.
 */
export async function copyRun(
  files: string[],
  runId: string,
  write: (chunk: Buffer) => void,
  skip: ReadonlySet<string> = new Set(),
  drained: Drained = neverBehind,
  upTo?: { ino: number; end: number },
): Promise<boolean> {
  let found = false;
  for (const file of files) {
    await scanFile(
      file,
      (header) => {
        const mine = header.run_id === runId && !skip.has(sectionKey(header));
        if (mine) found = true;
        return mine;
      },
      write,
      drained,
      upTo && inodeOf(file) === upTo.ino ? upTo.end : Infinity,
    );
  }
  return found;
}

/**
 * Every section of run `runId`: from the task's log files, then from the run's own files (an
 * attempt that overlapped another run). Returns the bytes printed from each own file, by key
 * (`logs -f` goes on from there), or null when the run was not found anywhere.
 */
export async function copyRunOutput(
  current: string,
  keep: number,
  runId: string,
  write: (chunk: Buffer) => void,
  drained: Drained = neverBehind,
  upTo?: { ino: number; end: number },
): Promise<Map<string, number> | null> {
  const own = concurrentFiles(current).filter((f) => f.run_id === runId);
  const printed = new Map<string, number>();
  let found = await copyRun(logFiles(current, keep), runId, write, new Set(own.map(sectionKey)), drained, upTo);
  for (const file of own) {
    const size = await copyFile(file, write, 0, drained);
    if (size === null) {
      // Appended to the task's log and removed in between: read it there.
      const skip = new Set(own.filter((f) => f !== file).map(sectionKey));
      found = (await copyRun(logFiles(current, keep), runId, write, skip, drained, upTo)) || found;
      continue;
    }
    printed.set(sectionKey(file), size);
    found = true;
  }
  return found ? printed : null;
}

function inodeOf(file: string): number | null {
  try {
    return fs.statSync(file).ino;
  } catch {
    return null;
  }
}

/** Copies a whole file to `write`; its size, or null when it is gone. */
export async function copyFile(own: ConcurrentFile | string, write: (chunk: Buffer) => void, from = 0, drained: Drained = neverBehind): Promise<number | null> {
  const file = typeof own === 'string' ? own : own.file;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  const buffer = Buffer.alloc(256 * 1024);
  let position = from;
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, position)) > 0; position += read) {
      write(Buffer.from(buffer.subarray(0, read)));
      await drained();
    }
  } finally {
    fs.closeSync(fd);
  }
  return position;
}

/**
 * Reads `file` in chunks (its first `end` bytes); at each header line asks `select` whether the
 * section that follows (header included) is wanted, and passes wanted bytes to `write`.
 */
export async function scanFile(
  file: string,
  select: (header: SectionHeader) => boolean,
  write: (chunk: Buffer) => void,
  drained: Drained = neverBehind,
  end = Infinity,
): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  const filter = new SectionFilter((header) => (select(header) ? 0 : Infinity), write, Infinity, taskOfLog(file));
  const buffer = Buffer.alloc(256 * 1024);
  try {
    for (let at = 0, read; at < end && (read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, end - at), null)) > 0; at += read) {
      filter.feed(buffer.subarray(0, read));
      await drained();
    }
    filter.end();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A task log's bytes in, the wanted ones out, fed in chunks of any size. At each header line,
 * `drop` says how many bytes of the section that follows (header included) to leave out: 0 keeps
 * it whole, Infinity leaves it out, N its first N bytes (already printed from the run's own file).
 */
export class SectionFilter {
  private dropping: number;
  private atLineStart = true;
  private pending: Buffer | null = null; // the start of a line that may still turn out to be a header

  constructor(
    private readonly drop: (header: SectionHeader) => number,
    private readonly write: (chunk: Buffer) => void,
    /** For bytes before the first header. */
    initialDrop = Infinity,
    /** The log's task: a line shaped as another task's header is output (parseHeader). */
    private readonly task?: string,
  ) {
    this.dropping = initialDrop;
  }

  feed(data: Buffer): void {
    let chunk = data;
    while (chunk.length > 0) {
      if (this.pending !== null) {
        const newline = chunk.indexOf(10);
        const part = newline < 0 ? chunk : chunk.subarray(0, newline + 1);
        this.pending = Buffer.concat([this.pending, part]);
        chunk = chunk.subarray(part.length);
        const prefixLength = Math.min(this.pending.length, HEADER.length);
        const couldBeHeader = this.pending.subarray(0, prefixLength).equals(HEADER.subarray(0, prefixLength));
        if (newline >= 0) {
          this.finishLine(this.pending);
          this.pending = null;
          this.atLineStart = true;
        } else if (!couldBeHeader || this.pending.length > MAX_HEADER_LINE) {
          this.emit(this.pending);
          this.pending = null;
          this.atLineStart = false;
        }
        continue;
      }
      if (this.atLineStart) {
        // Only a line that starts as a header does may be one; any other is output.
        if (chunk[0] === HEADER[0]) this.pending = Buffer.alloc(0);
        this.atLineStart = false;
        continue;
      }
      // The lines up to the next that may be a header go out in one piece (one at a time, a log
      // of short lines cost a write and a copy each: 3.7 million of them in 200 MB).
      const next = chunk.indexOf(MAYBE_NEXT_HEADER);
      if (next < 0) {
        this.emit(chunk);
        this.atLineStart = chunk[chunk.length - 1] === 10; // the next chunk may start with a header
        chunk = chunk.subarray(chunk.length);
      } else {
        this.emit(chunk.subarray(0, next + 1));
        chunk = chunk.subarray(next + 1);
        this.atLineStart = true;
      }
    }
  }

  /** The input ended (for a file; a followed log just waits for more). */
  end(): void {
    if (this.pending !== null && this.pending.length > 0) this.finishLine(this.pending);
    this.pending = null;
  }

  private finishLine(line: Buffer): void {
    const header = line.subarray(0, HEADER.length).equals(HEADER) ? parseHeader(line.toString('utf8'), this.task) : null;
    if (header) this.dropping = this.drop(header);
    this.emit(line);
  }

  private emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.dropping >= bytes.length) {
      this.dropping -= bytes.length; // Infinity stays Infinity
      return;
    }
    this.write(Buffer.from(this.dropping > 0 ? bytes.subarray(this.dropping) : bytes));
    this.dropping = 0;
  }
}

function firstHeader(file: string): SectionHeader | null {
  const text = readRange(file, 0, MAX_HEADER_LINE);
  return text === null ? null : parseHeader(text.slice(0, text.indexOf('\n') + 1 || undefined));
}

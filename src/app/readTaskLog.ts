// `logs` and the API's run log: one run's sections out of a task's log files, chunk by chunk,
// holding at most one header-sized line in memory, whatever the task printed.
import fs from 'node:fs';
import { HEADER_PREFIX, parseHeader } from '../adapters/fileTaskLog.js';

const HEADER = Buffer.from(HEADER_PREFIX);
const MAX_HEADER_LINE = 1024;

/** The task's log files, oldest first: <task>.log.N ... <task>.log.1, <task>.log. */
export function logFiles(current: string, keep: number): string[] {
  const files: string[] = [];
  for (let i = Math.max(keep, 20); i >= 1; i--) if (fs.existsSync(`${current}.${i}`)) files.push(`${current}.${i}`);
  if (fs.existsSync(current)) files.push(current);
  return files;
}

/** The run id of the last header in a file, or null. Reads the file once, in chunks. */
export function lastRunId(file: string): string | null {
  let last: string | null = null;
  scanFile(file, (header) => {
    last = header.run_id;
    return false;
  }, () => {});
  return last;
}

/**
 * Streams the sections (header and output) of run `runId` from `files` to `write`.
 * Returns true when the run was found.
 */
export function copyRun(files: string[], runId: string, write: (chunk: Buffer) => void): boolean {
  let found = false;
  for (const file of files) {
    scanFile(
      file,
      (header) => {
        const mine = header.run_id === runId;
        if (mine) found = true;
        return mine;
      },
      write,
    );
  }
  return found;
}

/**
 * Reads `file` in chunks; at each header line asks `select` whether the section that follows
 * (header included) is wanted, and passes wanted bytes to `write`.
 */
export function scanFile(
  file: string,
  select: (header: { run_id: string; attempt: number; at: string }) => boolean,
  write: (chunk: Buffer) => void,
): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  const buffer = Buffer.alloc(256 * 1024);
  const filter = new SectionFilter(select, write);
  try {
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      filter.push(buffer.subarray(0, read));
    }
    filter.end();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The sections of a log that `select` wants, from bytes pushed in pieces of any size (a file
 * read in chunks, or a log followed as it grows): holds at most one header-sized line back.
 */
export class SectionFilter {
  private wanted = false;
  private atLineStart = true;
  private pending: Buffer | null = null; // the start of a line that may still turn out to be a header

  constructor(
    private readonly select: (header: { run_id: string; attempt: number; at: string }) => boolean,
    private readonly write: (chunk: Buffer) => void,
  ) {}

  push(bytes: Buffer): void {
    let chunk = bytes;
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
        this.pending = Buffer.alloc(0);
        continue;
      }
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.emit(chunk);
        chunk = chunk.subarray(chunk.length);
      } else {
        this.emit(chunk.subarray(0, newline + 1));
        chunk = chunk.subarray(newline + 1);
        this.atLineStart = true;
      }
    }
  }

  /** The end of the bytes: a last line without a newline is judged as it is. */
  end(): void {
    if (this.pending !== null && this.pending.length > 0) this.finishLine(this.pending);
    this.pending = null;
    this.atLineStart = true;
  }

  private emit(chunk: Buffer): void {
    if (this.wanted && chunk.length > 0) this.write(Buffer.from(chunk));
  }

  private finishLine(line: Buffer): void {
    const header = line.subarray(0, HEADER.length).equals(HEADER) ? parseHeader(line.toString('utf8')) : null;
    if (header) this.wanted = this.select(header);
    this.emit(line);
  }
}

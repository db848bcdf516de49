// A worker's output files: each job's process appends to one (the spawn helper opens it as
// /proc/PID/fd/FD) and the job's tail reads it back. Creating and unlinking a file per job put
// two directory updates, and their waits on the filesystem's journal, on the worker's event loop
// for every job; a file whose job ended cleanly (its group reaped, nothing escaped, all of it
// read) is emptied and handed to the next job instead. Files are unlinked as soon as they are
// opened: a worker that dies leaves nothing behind. They are made in a shared folder (the system's
// temporary one) under names no other file has (the worker's pid, a count, O_EXCL): a folder of
// the worker's own would be left behind by a kill -9.
import fs from 'node:fs';
import path from 'node:path';

const { O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
/** Read and appended to; never an existing file, never through a link. */
const CREATE_NEW = O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW;

export interface OutputFile {
  fd: number;
  /** A name for messages (the file itself is unlinked). */
  path: string;
}

export class OutputFiles {
  private readonly free: OutputFile[] = [];
  private opened = 0;

  /** `keep`: how many emptied files to hold for later jobs (the jobs that run at once). */
  constructor(
    private readonly dir: string,
    private readonly keep: number,
    private readonly prefix = `symphony-worker-${process.pid}-`,
  ) {}

  take(jobId: string): OutputFile {
    const reused = this.free.pop();
    if (reused) return reused;
    const file = path.join(this.dir, `${this.prefix}${++this.opened}-${jobId}`);
    const fd = fs.openSync(file, CREATE_NEW, 0o600);
    fs.unlinkSync(file);
    return { fd, path: file };
  }

  /**
   * The job is over; `clean`: nothing of it can write to the file any more, and all of it was
   * read; `empty`: and that was nothing (most jobs print nothing: no truncate needed).
   */
  give(file: OutputFile, clean: boolean, empty = false): void {
    if (clean && this.free.length < this.keep) {
      try {
        if (!empty) fs.ftruncateSync(file.fd, 0);
        this.free.push(file);
        return;
      } catch {
        // closed below
      }
    }
    fs.closeSync(file.fd);
  }

  closeAll(): void {
    for (const file of this.free.splice(0)) fs.closeSync(file.fd);
  }
}

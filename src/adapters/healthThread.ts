// Health files written on a worker thread, a batch per turn of the event loop. Through libuv's
// pool each file cost the event loop five round trips (open, write, fsync, close, rename: ~10%
// of its time in a DAG of short tasks, and more in a burst of ends); here it costs its share of
// one message out and one back. The worker writes each file as writeFileAtomic does (a temp file
// made O_EXCL, fsynced, renamed over the target), in the order given, so one task's files stay in
// order. It is started when a process has many files to write (a daemon, `run --all`), not for
// one (`run --task`: a thread's start would cost it more than it saves), and leaves after a while
// without work, so an idle daemon has none.
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/** How long a worker with nothing to write stays (ms). */
const IDLE_MS = 10_000;

// The temp name as tempNameFor makes it (`<target>.tmp-<pid>-<random><count>`): the folder's scans
// and the cleanup of a dead process's temp files know that shape.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const prefix = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
let count = 0;
function write(file, content) {
  const temp = file + '.tmp-' + process.pid + '-' + prefix + (count++).toString(36);
  const data = Buffer.from(content);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    for (let at = 0; at < data.length; ) at += fs.writeSync(fd, data, at);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
parentPort.on('message', (batch) => {
  if (batch === 'close') { parentPort.close(); return; }
  const failed = [];
  for (const [file, content] of batch.files) {
    try {
      write(file, content);
    } catch (error) {
      let last = error;
      if (error && error.code === 'ENOENT') {
        // The folder was removed under a running conductor: made again.
        try { fs.mkdirSync(path.dirname(file), { recursive: true }); write(file, content); continue; } catch (again) { last = again; }
      }
      failed.push([file, String(last && last.message), String((last && last.code) || '')]);
    }
  }
  parentPort.postMessage({ seq: batch.seq, written: batch.files.length - failed.length, failed });
});`;

export interface ThreadResult {
  /** How many of the batch's files were written. */
  written: number;
  /** The files not written, with why (and the error's code, or ''). */
  failed: [file: string, message: string, code: string][];
}

/** One worker that writes batches of files; null from `start` when no worker can be made. */
export class HealthThread {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, (result: ThreadResult | null) => void>();
  private idle: NodeJS.Timeout | null = null;
  private broken = false;

  /** False once the worker failed: the caller writes through the pool again. */
  get usable(): boolean {
    return !this.broken;
  }

  /** Writes the files, in order; resolves with what happened, or null when the worker failed (nothing is known). */
  write(files: [file: string, content: string][]): Promise<ThreadResult | null> {
    if (this.broken) return Promise.resolve(null);
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    let worker: Worker;
    try {
      worker = this.worker ??= this.start();
    } catch {
      this.broken = true;
      return Promise.resolve(null);
    }
    const seq = ++this.seq;
    // Held while it writes: a process does not end with health files half done.
    if (this.waiting.size === 0) worker.ref();
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      worker.postMessage({ seq, files });
    });
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const worker = this.worker;
    this.worker = null;
    worker?.postMessage('close');
  }

  private start(): Worker {
    const require = createRequire(import.meta.url);
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true, stdout: true, stderr: true });
    worker.unref();
    worker.on('message', (result: ThreadResult & { seq: number }) => {
      const resolve = this.waiting.get(result.seq);
      this.waiting.delete(result.seq);
      if (this.waiting.size === 0 && this.worker === worker) {
        worker.unref();
        this.idle = setTimeout(() => this.close(), IDLE_MS);
        this.idle.unref();
      }
      resolve?.({ written: result.written, failed: result.failed });
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      this.broken = true;
      const waiting = [...this.waiting.values()];
      this.waiting.clear();
      for (const resolve of waiting) resolve(null);
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (this.waiting.size > 0) fail();
      else if (this.worker === worker) this.worker = null;
    });
    return worker;
  }
}

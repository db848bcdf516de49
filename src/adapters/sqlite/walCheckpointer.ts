// Checkpoints the history's WAL on a worker thread. A checkpoint copies the WAL into the database
// and fsyncs both, and when the writing connection does it itself (SQLite's autocheckpoint) the
// event loop stops for those fsyncs: 150-350 ms for a 64 MB WAL here, a stall in the middle of a
// burst of watched files or a DAG. The worker does a PASSIVE checkpoint on its own connection,
// which never blocks the writer. It cannot catch up with a writer that keeps committing, so the
// writer's own autocheckpoint still ends each round (see openForWriting), with little left to copy
// and sync. The worker is started on the first request and leaves after a while without one, so an
// idle daemon has none; should it fail, the writer's autocheckpoint does all the work as before.
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/** Commits between two checkpoint requests: ~1,000-2,000 WAL pages of the history's small commits. */
export const COMMITS_PER_CHECKPOINT = 250;

/** How long a worker with nothing to do stays (ms). */
const IDLE_MS = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: 10000 });
parentPort.on('message', (message) => {
  if (message === 'close') { db.close(); parentPort.close(); return; }
  try { parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)')[0]); }
  catch (error) { parentPort.postMessage({ error: String(error && error.message) }); }
});`;

/** Counts the writer's commits and has every COMMITS_PER_CHECKPOINT-th one checkpointed off the event loop. */
export class WalCheckpointer {
  private commits = 0;
  private worker: Worker | null = null;
  private inFlight = false;
  private idle: NodeJS.Timeout | null = null;
  private failed = false;

  constructor(private readonly file: string) {}

  /** Called after each commit of the writing connection. */
  committed(): void {
    if (++this.commits < COMMITS_PER_CHECKPOINT || this.inFlight || this.failed) return;
    this.commits = 0;
    try {
      this.request();
    } catch {
      this.failed = true; // the writer's own autocheckpoint goes on
    }
  }

  /** Stops the worker (the writer's close checkpoints what is left). */
  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
  }

  private request(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.worker ??= this.start();
    this.inFlight = true;
    this.worker.postMessage('checkpoint');
  }

  private start(): Worker {
    // Loaded on the first checkpoint, not with the store: a reader (`status`) never needs it.
    const require = createRequire(import.meta.url);
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const module = require.resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file: this.file }, stdout: true, stderr: true });
    worker.unref();
    worker.on('message', (result: { error?: string }) => {
      this.inFlight = false;
      if (result.error) return this.stop(worker, true);
      this.idle = setTimeout(() => this.stop(worker, false), IDLE_MS);
      this.idle.unref();
    });
    worker.on('error', () => this.stop(worker, true));
    worker.on('exit', () => {
      if (this.worker === worker) this.stop(worker, false);
    });
    return worker;
  }

  private stop(worker: Worker, failed: boolean): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.inFlight = false;
    this.failed ||= failed;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    worker.postMessage('close');
  }
}

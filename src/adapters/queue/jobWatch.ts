// What the scheduler hears from BullMQ about its jobs, per queue: a job found stalled (its
// worker stopped renewing the lock: killed, machine lost) and a job failed by BullMQ (never by
// our processor on purpose). QueueEvents reads the queue's event stream; a Worker that takes
// no jobs runs the stalled check, so a lost worker is noticed even when no other worker is left.
import { QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { closeWithin } from './closeWithin.js';
import { LOCK_SETTINGS } from './lockSettings.js';

export interface JobSignals {
  stalled(jobId: string): void;
  failed(jobId: string, reason: string): void;
}

interface Watched {
  events: QueueEvents;
  checker: Worker;
}

export class JobWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly signals: JobSignals,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts listening to `queue` (once per queue). */
  watch(queue: string): void {
    if (this.watched.has(queue)) return;
    const events = new QueueEvents(queue, { connection: this.connection, blockingTimeout: 5000 });
    events.on('stalled', ({ jobId }) => this.signals.stalled(jobId));
    events.on('failed', ({ jobId, failedReason }) => this.signals.failed(jobId, failedReason));
    events.on('error', this.onError);
    const checker = new Worker(queue, undefined, { connection: this.connection, autorun: false, ...LOCK_SETTINGS });
    checker.on('error', this.onError);
    void checker.startStalledCheckTimer().catch(this.onError);
    this.watched.set(queue, { events, checker });
  }

  async close(): Promise<void> {
    const all = [...this.watched.values()];
    this.watched.clear();
    await Promise.all(all.flatMap(({ events, checker }) => [closeWithin(events), closeWithin(checker, () => checker.close(true))]));
  }
}

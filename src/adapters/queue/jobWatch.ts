// What the scheduler hears from BullMQ about its jobs, per queue: a job found stalled (its
// worker stopped renewing the lock: killed, machine lost) and a job failed by BullMQ (never by
// our processor on purpose). Both are entries of the queue's BullMQ event stream, read here a
// few times a second (`stalled` and `failed`; the rest, ~5 entries a job, skipped unparsed):
// BullMQ's QueueEvents read every entry as it came, a wake-up and an event object each, ~5% of
// a queue DAG's run. A Worker that takes no jobs runs the stalled check, so a lost worker is
// noticed even when no other worker is left. Entries missed (Redis away, the stream trimmed)
// are the executor's reconciliation's to find.
import { Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { closeWithin } from './closeWithin.js';
import { LOCK_SETTINGS } from './lockSettings.js';
import { idAfter } from './replyStream.js';

export interface JobSignals {
  stalled(jobId: string): void;
  failed(jobId: string, reason: string): void;
}

type Entries = Array<[string, string[]]>;
type XReadReply = Array<[string, Entries]> | null;

const BLOCK_MS = 5000;
const COUNT = 10_000;
/** After a read that found entries, the next waits this long: what came meanwhile is read at once. */
const PACE_MS = 250;

export class JobWatch {
  private readonly checkers = new Map<string, Worker>();
  /** Each watched queue's event stream and the last entry read of it (null: not yet looked up). */
  private readonly streams = new Map<string, string | null>();
  private readonly reader: Redis;
  private closed = false;
  private loop: Promise<void> | null = null;
  private pause: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  /** `commands` is a shared connection (for look-ups that must not wait behind a blocking read). */
  constructor(
    private readonly connection: RedisOptions,
    private readonly commands: Redis,
    private readonly signals: JobSignals,
    private readonly onError: (error: Error) => void,
  ) {
    this.reader = new Redis({ ...connection, lazyConnect: true });
    this.reader.on('error', () => {});
  }

  /** Starts listening to `queue` (once per queue). */
  watch(queue: string): void {
    if (this.checkers.has(queue)) return;
    const checker = new Worker(queue, undefined, { connection: this.connection, autorun: false, ...LOCK_SETTINGS });
    checker.on('error', this.onError);
    void checker.startStalledCheckTimer().catch(this.onError);
    this.checkers.set(queue, checker);
    const key = checker.toKey('events');
    this.streams.set(key, null);
    // Where the stream stands now, looked up at once: the read loop may be blocked on the other
    // queues' streams for a while, and what comes meanwhile is about this queue's jobs.
    void this.startPoint(key, this.commands).catch(() => {}); // else the loop looks it up
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.resolve();
    }
    const checkers = [...this.checkers.values()];
    this.checkers.clear();
    await Promise.all([
      // A read waiting for an absent Redis may never settle: the loop is not waited for long.
      Promise.race([this.loop?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500).unref())]),
      ...checkers.map((checker) => closeWithin(checker, () => checker.close(true))),
    ]);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      let found = false;
      try {
        for (const [key, id] of this.streams) if (id === null) await this.startPoint(key, this.reader);
        const keys = [...this.streams.keys()];
        const reply = (await this.reader.xread('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...keys.map((k) => this.streams.get(k) as string))) as XReadReply;
        for (const [key, entries] of reply ?? []) {
          found ||= entries.length > 0;
          this.deliver(key, entries);
        }
      } catch (error) {
        if (this.closed) return;
        this.onError(error as Error);
        found = true; // wait before trying again
      }
      if (found && !this.closed) await new Promise<void>((resolve) => (this.pause = { timer: setTimeout(resolve, PACE_MS), resolve }));
      this.pause = null;
    }
  }

  /** A stream newly watched is read from its last entry when it was watched: what came before is not about jobs added since. */
  private async startPoint(key: string, redis: Redis): Promise<void> {
    const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Entries;
    if (this.streams.get(key) === null) this.streams.set(key, last[0]?.[0] ?? '0-0');
  }

  private deliver(key: string, entries: Entries): void {
    for (const [id, fields] of entries) {
      const last = this.streams.get(key);
      if (last && !idAfter(id, last)) continue;
      this.streams.set(key, id);
      const event = field(fields, 'event'); // BullMQ writes it first
      if (event !== 'stalled' && event !== 'failed') continue;
      const jobId = field(fields, 'jobId');
      if (jobId === null) continue;
      if (event === 'stalled') this.signals.stalled(jobId);
      else this.signals.failed(jobId, field(fields, 'failedReason') ?? 'failed');
    }
  }
}

function field(fields: string[], name: string): string | null {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] as string;
  return null;
}

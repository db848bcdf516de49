// Every node keeps the cluster's whole history. The publisher sends this home's changed runs
// (noted in its outbox by SQLite triggers, whoever wrote them) to the stream soon after each
// change, and keeps them when Redis is away; the follower applies every other node's entries to
// this home's history, from the position it stopped at (a node that was down catches up), and
// rewrites a task's health file when another node's attempt ended after the one it shows.
import { streamIdAfter } from '../../core/ha/historyEntry.js';
import { healthTimestamp } from '../../core/health.js';
import type { ClusterStore } from '../../ports/cluster.js';
import type { HealthStore } from '../../ports/healthWriter.js';
import type { Logger } from '../../ports/logger.js';
import type { AppliedEnd, ReplicaStore } from '../../ports/replica.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const PUBLISH_EVERY_MS = 500;
const BATCH = 200;
/** A follower's read waits this long for new entries (and a takeover's catch-up at most about as long). */
const READ_BLOCK_MS = 500;
const RETRY_MS = 1000;

export class Publisher {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;
  private failing: string | null = null;

  constructor(
    private readonly replica: ReplicaStore,
    private readonly cluster: ClusterStore,
    private readonly node: string,
    private readonly retentionDays: () => number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), PUBLISH_EVERY_MS);
    this.timer.unref();
    this.nudge();
  }

  /** Publishes soon (a run event happened); cheap when nothing changed. */
  nudge(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.flush().finally(() => {
      this.busy = null;
      if (this.again) {
        this.again = false;
        setImmediate(() => this.nudge());
      }
    });
  }

  /** Stops the timer after a last try to publish what is left (bounded by the store's command timeout). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    await this.flush();
  }

  private async flush(): Promise<void> {
    try {
      for (let batch = this.replica.changes(this.node, BATCH); batch; batch = this.replica.changes(this.node, BATCH)) {
        const days = this.retentionDays();
        await this.cluster.publish(batch.entries, days > 0 ? Date.now() - days * DAY_MS : null);
        this.replica.published(batch.upTo);
      }
      if (this.failing) this.logger.info({}, 'history publishing works again');
      this.failing = null;
    } catch (error) {
      const message = (error as Error).message;
      if (this.failing !== message) this.logger.warn({ err: message }, 'cannot publish history changes to the cluster yet; they are kept and sent later');
      this.failing = message;
    }
  }
}

export class Follower {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private caught = false;
  private waiters: Array<{ since: number; resolve: () => void }> = [];
  private reads = 0;
  private failing: string | null = null;
  private appliedListeners: Array<() => void> = [];

  constructor(
    private readonly replica: ReplicaStore,
    private readonly cluster: ClusterStore,
    private readonly node: string,
    private readonly health: HealthStore,
    private readonly logger: Logger,
  ) {}

  /** This home's history has been up to date with the stream at least once since start. */
  get caughtUp(): boolean {
    return this.caught;
  }

  async start(): Promise<void> {
    const position = this.replica.position();
    try {
      const oldest = await this.cluster.oldest();
      if (position !== null && oldest !== null && streamIdAfter(oldest, position)) {
        this.logger.warn(
          { position, oldest },
          'the cluster history stream no longer holds everything after what this node applied last (it was down longer than the stream keeps): its history misses those runs',
        );
      }
    } catch {
      // Redis is away: the loop below waits for it.
    }
    this.loop = this.run();
  }

  /** Told after each batch of other nodes' entries is applied to this home's history. */
  onApplied(listener: () => void): void {
    this.appliedListeners.push(listener);
  }

  /** Resolves once a read that started after this call found nothing more (everything published so far is applied). */
  catchUp(): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ since: this.reads + 1, resolve }));
  }

  /** Stops reading; a read held up by a Redis that is away ends when the store is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((resolve) => (timer = setTimeout(resolve, 2 * READ_BLOCK_MS)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const read = ++this.reads;
      try {
        const entries = await this.cluster.read(this.replica.position(), BATCH, this.caught ? READ_BLOCK_MS : 1);
        if (this.stopped) return;
        if (entries.length > 0) {
          this.writeHealth(this.replica.apply(this.node, entries));
          for (const listener of this.appliedListeners) listener();
        }
        if (this.failing) this.logger.info({}, 'reading the cluster history works again');
        this.failing = null;
        if (entries.length < BATCH) {
          if (!this.caught) this.logger.info({}, 'history caught up with the cluster');
          this.caught = true;
          const done = this.waiters.filter((w) => w.since <= read);
          this.waiters = this.waiters.filter((w) => w.since > read);
          for (const waiter of done) waiter.resolve();
        }
      } catch (error) {
        if (this.stopped) return;
        const message = (error as Error).message;
        if (this.failing !== message) this.logger.warn({ err: message }, 'cannot read the cluster history yet; retrying');
        this.failing = message;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** The health file of a task follows another node's latest attempt end, unless it shows a later one. */
  private writeHealth(ends: AppliedEnd[]): void {
    const latest = new Map<string, AppliedEnd>();
    for (const end of ends) if ((latest.get(end.task)?.finished_at ?? -Infinity) <= end.finished_at) latest.set(end.task, end);
    for (const end of latest.values()) {
      const current = this.health.read(end.task);
      if (current && Date.parse(current.timestamp) > end.finished_at) continue;
      this.health.write(end.task, { status: end.status, timestamp: healthTimestamp(end.finished_at), exit_code: end.exit_code });
    }
  }
}

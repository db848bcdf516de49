// One node of a standby cluster (settings.ha): the shell around the lease decision. A timer feeds
// it ticks on the monotonic clock, Redis's answers come back as events, and its actions become
// requests and role changes: leading (after the takeover steps) lets the scheduler fire through
// this node's fire gate; standing by stops it. The gate claims each due fire in Redis with the
// lease value (fenced), and lets nothing through unless the lease is held locally both before the
// claim goes out and when its answer comes back. It also watches its link to Redis: down, it says
// so in the log (at once, then every half minute), in `status` and in GET /health.
import { clusterLink, type ClusterLink } from '../../core/ha/clusterLink.js';
import {
  decideLease,
  holdsLease,
  INITIAL_LEASE_STATE,
  leaseTiming,
  type LeaseAction,
  type LeaseEvent,
  type LeaseState,
  type LeaseTiming,
} from '../../core/ha/leaseDecision.js';
import type { DueFire, FireGate } from '../../engine/cronSource.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { ClusterStore, NodeInfo } from '../../ports/cluster.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { ReplicaStore } from '../../ports/replica.js';
import type { StoredRun } from '../../ports/runStore.js';
import type { PauseSync } from './pauseSync.js';
import type { Follower } from './replication.js';

const CLAIM_RETRY_MS = 200;
/** While the cluster's Redis stays unreachable, the warning is said again this often. */
const LINK_WARN_EVERY_MS = 30_000;

export interface ClusterNodeDeps {
  node: string;
  leaseSeconds: number;
  /** The cluster's Redis, without its password, for messages. */
  redis: string;
  cluster: ClusterStore;
  replica: ReplicaStore;
  follower: Follower;
  clock: Clock;
  logger: Logger;
  /** The node's registry entry, but for its role, the time and its URL. */
  info: Omit<NodeInfo, 'role' | 'seen' | 'url'>;
  /** Its HTTP API's URL, once it serves one. */
  url: () => string | null;
  /** The takeover steps (prepareTakeover): the open runs to resume, or null when the lease was lost on the way. */
  takeOver: (lease: string, current: () => boolean) => Promise<StoredRun[] | null>;
  /** The cluster's paused tasks: pushed by the leader after a change, pulled by standbys and at takeover. */
  pauses: PauseSync;
}

export class ClusterNode implements FireGate {
  readonly timing: LeaseTiming;
  private state: LeaseState = INITIAL_LEASE_STATE;
  private scheduler: Scheduler | null = null;
  private leading = false;
  /** Counts leaderships, so that a takeover finishing after its lease was lost does nothing. */
  private term = 0;
  private ticker: NodeJS.Timeout | null = null;
  private beater: NodeJS.Timeout | null = null;
  private releasing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The other nodes' URLs, as the registry last said. */
  private urls = new Map<string, string | null>();
  private roleListeners: Array<(leading: boolean) => void> = [];
  /** The link to Redis as last said (log, status); when the warning about it was last logged. */
  private link: ClusterLink | null = null;
  private warnedAt: number | null = null;
  /** A take-over of left retries in flight, and whether another was asked for meanwhile. */
  private adopting: Promise<void> | null = null;
  private adoptAgain = false;
  /** The last take-over of left retries failed (Redis away): tried again at the next tick. */
  private adoptFailed = false;
  private adoptWarned: string | null = null;

  constructor(private readonly deps: ClusterNodeDeps) {
    this.timing = leaseTiming(deps.leaseSeconds);
  }

  /** `leader` once it fires; `standby` otherwise (also while it takes over). */
  role(): 'leader' | 'standby' {
    return this.leading ? 'leader' : 'standby';
  }

  /**
   * The node that holds the lease, as last heard from Redis; none for a standby that cannot reach
   * Redis (never a stale one), from the moment it knows: the lease read in flight may take a while
   * to fail, and `status` (the replica's role, set in watchLink) says none from that same moment.
   */
  leader(): string | null {
    if (!this.leading && this.link?.failing) return null;
    return this.state.leader;
  }

  /** Whether this node reaches the cluster's Redis now, and why not (no I/O). */
  connection(): ClusterLink {
    return clusterLink(this.deps.redis, this.deps.cluster.connection(), this.state.trouble);
  }

  /** A node's HTTP API, as the registry said at the last beat. */
  urlOf(node: string): string | null {
    return this.urls.get(node) ?? null;
  }

  /** Told when this node starts leading (after the scheduler resumed its runs) and when it stops. */
  onRole(listener: (leading: boolean) => void): void {
    this.roleListeners.push(listener);
  }

  /** Starts as a standby: no fire until the lease is taken and the takeover steps are done. */
  start(scheduler: Scheduler): void {
    this.scheduler = scheduler;
    scheduler.standBy(`this node is a standby of the cluster`);
    this.deps.replica.setRole('standby', null);
    this.deps.follower.onApplied(() => this.takeLeftRetries());
    this.ticker = setInterval(() => this.tick(), this.timing.pollMs / 4);
    this.beater = setInterval(() => this.beat(), this.timing.renewMs);
    this.tick();
    this.beat();
  }

  /** Stops firing and gives the lease back at once (a standby takes over without waiting for it to expire). */
  async handOver(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.step({ kind: 'release', now: this.mono() });
    await this.releasing;
  }

  /** Leaves the registry (after the runs drained, so that no new leader takes them for lost meanwhile). */
  async leave(): Promise<void> {
    if (this.beater) clearInterval(this.beater);
    this.beater = null;
    await this.deps.cluster.forget(this.deps.node, this.deps.info.machine).catch(() => {});
  }

  async claim(fires: readonly DueFire[]): Promise<readonly DueFire[]> {
    const lease = this.state.lease;
    const holds = () => this.leading && !this.stopped && lease !== null && this.state.lease === lease && holdsLease(this.state, this.mono(), this.timing);
    const { logger } = this.deps;
    for (;;) {
      if (!holds() || lease === null) {
        logger.warn({ fires: fires.length, first: new Date(fires[0]?.fireAt ?? 0).toISOString() }, 'fires not run here: this node no longer holds the lease');
        return [];
      }
      try {
        const answers = await this.deps.cluster.claimFires(lease, fires.map((f) => ({ task: f.task, fireAt: f.fireAt })));
        if (answers === null) {
          logger.warn({ fires: fires.length }, 'fires refused by Redis: the lease moved to another node (fenced); not run here');
          return [];
        }
        if (!holds()) continue; // the answer came after the lease ran out here: not run (logged above)
        const claimed = fires.filter((_, i) => answers[i]);
        if (claimed.length < fires.length) {
          logger.info({ fires: fires.filter((_, i) => !answers[i]).map((f) => `${f.task}@${new Date(f.fireAt).toISOString()}`) }, 'fires already claimed in the cluster: not run again');
        }
        return claimed;
      } catch (error) {
        logger.debug({ err: (error as Error).message }, 'claiming fires failed; retrying while the lease holds');
        await new Promise((resolve) => setTimeout(resolve, CLAIM_RETRY_MS));
      }
    }
  }

  private mono(): number {
    return this.deps.clock.monotonic();
  }

  private tick(): void {
    this.step({ kind: 'tick', now: this.mono(), eligible: this.deps.follower.caughtUp });
    const lease = this.state.lease;
    if (this.leading && lease !== null) this.deps.pauses.push(lease).catch(() => {});
    if (this.leading && this.adoptFailed) this.takeLeftRetries();
    this.watchLink();
  }

  /**
   * Says when the link to Redis fails (at once, again when the reason changes or every
   * LINK_WARN_EVERY_MS while it lasts) and when it is back; keeps it for `status`.
   */
  private watchLink(): void {
    const link = this.connection();
    const before = this.link;
    this.link = link;
    const now = this.mono();
    const { logger } = this.deps;
    if (link.failing && (this.warnedAt === null || before?.reason !== link.reason || now - this.warnedAt >= LINK_WARN_EVERY_MS)) {
      this.warnedAt = now;
      logger.warn({ redis: this.deps.redis, reason: link.reason, role: this.role() }, `${link.reason}; no fire runs on this node until it is back (retrying)`);
    } else if (link.connected && this.warnedAt !== null) {
      this.warnedAt = null;
      logger.info({ redis: this.deps.redis }, `the cluster Redis at ${this.deps.redis} is reachable again`);
    }
    if (before?.reason === link.reason) return;
    try {
      // A standby that cannot reach the cluster names no leader (never a stale one), from the
      // moment it knows, not from its next lease read (first, so that a status that reads the
      // trouble never finds the old leader beside it); once it is back, the leader it knows.
      if (!this.leading && link.failing) this.deps.replica.setRole('standby', null);
      this.deps.replica.setClusterTrouble(link.reason);
      if (!this.leading && !link.failing) this.deps.replica.setRole('standby', this.state.leader);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot note the link to the cluster Redis for status');
    }
  }

  private step(event: LeaseEvent): void {
    const before = this.state;
    const { state, actions } = decideLease(this.state, event, this.timing);
    this.state = state;
    for (const action of actions) this.act(action);
    // A standby shows the leader it last heard of, or none when it cannot ask (never a stale one).
    if (before.leader !== state.leader && !this.leading && state.leader !== this.deps.node) {
      if (state.leader !== null) this.deps.logger.info({ leader: state.leader }, `the cluster's leader is ${state.leader}`);
      this.deps.replica.setRole('standby', state.leader);
    }
  }

  private act(action: LeaseAction): void {
    const { cluster, node } = this.deps;
    const sentAt = this.state.pending?.sentAt ?? this.mono();
    const failed = (error: Error) => this.step({ kind: 'failed', now: this.mono(), sentAt, error: error.message });
    switch (action.kind) {
      case 'acquire':
        cluster.acquire(node, this.timing.leaseMs).then((answer) => {
          const now = this.mono();
          this.step(answer.kind === 'acquired' ? { kind: 'acquired', now, sentAt, lease: answer.lease, holder: node } : { kind: 'held', now, sentAt, holder: answer.holder });
        }, failed);
        return;
      case 'renew':
        cluster.renew(action.lease, this.timing.leaseMs).then((answer) => {
          const now = this.mono();
          this.step(answer.kind === 'renewed' ? { kind: 'renewed', now, sentAt } : { kind: 'lost', now, sentAt, holder: answer.holder });
        }, failed);
        return;
      case 'lead':
        void this.lead(action.lease, ++this.term);
        return;
      case 'step_down':
        this.standDown(action.reason);
        return;
      case 'release':
        this.releasing = cluster.release(action.lease).catch(() => {});
        return;
    }
  }

  private async lead(lease: string, term: number): Promise<void> {
    const { logger, replica, node } = this.deps;
    const current = () => !this.stopped && this.term === term && this.state.lease === lease;
    logger.info({ lease: lease.split('|')[0] }, `this node took the lease (fencing token ${lease.split('|')[0]}); taking over`);
    try {
      const open = await this.deps.takeOver(lease, current);
      if (open !== null) await this.deps.pauses.pull();
      if (open === null || !current() || !this.scheduler) return;
      this.leading = true;
      this.scheduler.lead(open);
      this.tell(true);
      replica.setRole('leader', node);
      this.beat();
      logger.info({ resumed: open.length }, 'this node leads the cluster: it fires');
      this.takeLeftRetries(); // any left since the takeover read them
    } catch (error) {
      if (!current()) return;
      logger.error({ err: (error as Error).message }, 'taking over failed; giving the lease back to try again');
      this.step({ kind: 'release', now: this.mono() });
    }
  }

  /**
   * While it leads: a retry another node left with its due time after the takeover (its attempt
   * ended while it drained, after it handed the lease over) is taken over and resumed here, as the
   * takeover does with those left before. One at a time: a run is resumed once.
   */
  private takeLeftRetries(): void {
    if (this.adopting) {
      this.adoptAgain = true;
      return;
    }
    this.adopting = this.adoptLeftRetries()
      .catch((error: Error) => {
        if (this.adoptWarned !== error.message) this.deps.logger.warn({ err: error.message }, 'cannot take over the retries another node left yet; trying again');
        this.adoptWarned = error.message;
        this.adoptFailed = true;
      })
      .finally(() => {
        this.adopting = null;
        if (this.adoptAgain) {
          this.adoptAgain = false;
          this.takeLeftRetries();
        }
      });
  }

  private async adoptLeftRetries(): Promise<void> {
    const { replica, cluster, node, logger } = this.deps;
    this.adoptFailed = false;
    const lease = this.state.lease;
    if (!this.leading || lease === null || !this.scheduler) return;
    const runs = replica.foreignRetries();
    if (runs.length === 0) return;
    const taken = await cluster.adoptRuns(lease, node, runs);
    this.adoptWarned = null;
    if (!taken) return;
    if (!this.leading || this.stopped || this.state.lease !== lease) return;
    replica.adopt(runs);
    this.scheduler.adopt(runs);
    logger.info({ runs }, 'took over runs waiting to retry that another node left');
  }

  private standDown(reason: string): void {
    this.term++;
    if (this.leading) {
      this.leading = false;
      this.scheduler?.standBy(`this node stopped leading: ${reason}`);
      this.tell(false);
      this.deps.logger.warn({ reason }, `this node stands by now: ${reason}`);
    }
    this.deps.replica.setRole('standby', this.state.leader);
    this.beat();
  }

  private tell(leading: boolean): void {
    for (const listener of this.roleListeners) {
      try {
        listener(leading);
      } catch (error) {
        this.deps.logger.error({ err: (error as Error).message, leading }, 'a change of role could not be applied everywhere');
      }
    }
  }

  private beat(): void {
    const info: NodeInfo = { ...this.deps.info, role: this.role(), seen: this.deps.clock.now(), url: this.deps.url() };
    const { cluster } = this.deps;
    if (!this.leading && !this.stopped) this.deps.pauses.pull().catch(() => {});
    cluster
      .beat(info, 3 * this.timing.renewMs)
      .then(() => cluster.nodes())
      .then((nodes) => (this.urls = new Map(nodes.map((n) => [n.node, n.url ?? null]))))
      .catch(() => {});
  }
}

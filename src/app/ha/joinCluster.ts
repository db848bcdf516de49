// `start` with settings.ha: this home becomes a node of the cluster. Wires the Redis side, the
// home's replica of the history (publisher and follower), the lease loop and the takeover steps;
// refuses to start when a live node on another machine already has this node's name. Loaded
// only with settings.ha (ioredis is large).
import os from 'node:os';
import { machineId } from '../../adapters/ha/machineId.js';
import { openRedisCluster } from '../../adapters/ha/redisCluster.js';
import { redactedUrl } from '../../adapters/queue/redisOptions.js';
import { openReplicaStore } from '../../adapters/sqlite/sqliteReplicaStore.js';
import { ConductorError } from '../../core/errors.js';
import type { ClusterLink } from '../../core/ha/clusterLink.js';
import type { Config, HaSettings } from '../../core/types.js';
import type { EngineContext } from '../../engine/context.js';
import type { FireGate } from '../../engine/cronSource.js';
import type { Scheduler } from '../../engine/scheduler.js';
import type { HomePaths } from '../paths.js';
import { packageVersion } from '../version.js';
import { ClusterNode } from './clusterNode.js';
import { PauseSync } from './pauseSync.js';
import { Follower, Publisher } from './replication.js';
import { prepareTakeover } from './takeover.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClusterHandle {
  node: string;
  cluster: string;
  gate: FireGate;
  role(): 'leader' | 'standby';
  leader(): string | null;
  /** Whether this node reaches the cluster's Redis, and why not. */
  connection(): ClusterLink;
  urlOf(node: string): string | null;
  /** Told when this node starts leading (its runs resumed) and when it stops. */
  onRole(listener: (leading: boolean) => void): void;
  /** Refuses (NODE_NAME_TAKEN) when a live node of this name is on another machine. */
  checkName(): Promise<void>;
  /** Joins: history catch-up and publishing, then the lease loop (as a standby until it takes the lease). */
  start(scheduler: Scheduler): Promise<void>;
  /** On SIGTERM, first: stop firing and give the lease back. */
  handOver(): Promise<void>;
  /** On SIGTERM, last (after the drain): publish what is left, leave the registry, disconnect. */
  leave(): Promise<void>;
  /** Disconnects without leaving (a start refused before it joined). */
  close(): Promise<void>;
}

/** The node's name: this machine's hostname and the home's path (one daemon per home). */
export function nodeName(home: string): string {
  return `${os.hostname()}:${home}`;
}

export function joinCluster(paths: HomePaths, settings: HaSettings, config: () => Config, ctx: EngineContext, httpUrl: () => string | null): ClusterHandle {
  const { logger } = ctx;
  const node = nodeName(paths.home);
  const machine = machineId();
  const requestMs = (settings.lease_seconds * 1000) / 5;
  const cluster = openRedisCluster({
    url: settings.redis_url,
    cluster: settings.cluster,
    commandTimeoutMs: requestMs,
    adoptTtlMs: Math.max(1, config().settings.task_history_retention_days || 365) * DAY_MS,
  });
  const replica = openReplicaStore(paths.database);
  const retention = () => config().settings.task_history_retention_days;
  const publisher = new Publisher(replica, cluster, node, retention, logger);
  const follower = new Follower(replica, cluster, node, ctx.health, logger);
  const scheduled = () => config().tasks.filter((t) => t.schedule !== null && t.enabled).map((t) => t.name);
  const member = new ClusterNode({
    node,
    leaseSeconds: settings.lease_seconds,
    redis: redactedUrl(settings.redis_url),
    cluster,
    replica,
    follower,
    clock: ctx.clock,
    logger,
    info: { node, host: os.hostname(), home: paths.home, pid: process.pid, machine, since: ctx.clock.now(), version: packageVersion() },
    url: httpUrl,
    pauses: new PauseSync(() => scheduler?.engine ?? null, () => ctx.store, cluster),
    takeOver: (lease, current) =>
      prepareTakeover({ node, cluster, replica, store: ctx.store, follower, logger, now: () => ctx.clock.now(), scheduledTasks: scheduled }, lease, current),
  });
  let offEvents: () => void = () => {};
  let scheduler: Scheduler | null = null;

  return {
    node,
    cluster: settings.cluster,
    gate: member,
    role: () => member.role(),
    leader: () => member.leader(),
    connection: () => member.connection(),
    urlOf: (other) => member.urlOf(other),
    onRole: (listener) => member.onRole(listener),
    checkName: () => refuseNameTaken(cluster, node, machine, requestMs),
    async start(given) {
      scheduler = given;
      replica.setPublishing(true);
      offEvents = ctx.events.onAny(() => publisher.nudge());
      publisher.start();
      await follower.start();
      member.start(given);
      logger.info({ node, cluster: settings.cluster, redis: redactedUrl(settings.redis_url), lease_seconds: settings.lease_seconds }, `joined cluster ${settings.cluster} as ${node} (standby until it takes the lease)`);
    },
    handOver: () => member.handOver(),
    async close() {
      await cluster.close();
      replica.close();
    },
    async leave() {
      offEvents();
      await member.leave();
      await publisher.stop();
      await follower.stop();
      await cluster.close();
      replica.close();
    },
  };
}

/** A live node of the same name on another machine (a cloned VM): two nodes would pass for one. */
async function refuseNameTaken(cluster: ReturnType<typeof openRedisCluster>, node: string, machine: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const same = (await cluster.nodes()).find((n) => n.node === node && n.alive && n.machine !== machine);
      if (same) {
        throw new ConductorError(
          'NODE_NAME_TAKEN',
          `node ${node} is already in the cluster, on another machine (host ${same.host}, pid ${same.pid}, machine id ${same.machine}); give this home another path or this machine another hostname`,
        );
      }
      return;
    } catch (error) {
      if (error instanceof ConductorError) throw error;
      // Redis not there (yet): the check is left to when it is; the node joins as a standby meanwhile.
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

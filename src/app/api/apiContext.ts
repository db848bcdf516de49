// What the daemon hands its API: the running engine and cron source, the history, the live
// status, the event bus, and how to tell its health.
import type { Config } from '../../core/types.js';
import type { CronSource } from '../../engine/cronSource.js';
import type { Engine } from '../../engine/engine.js';
import type { EventBus } from '../../engine/events.js';
import type { ApiEvent } from '../../ports/daemonApi.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { RunStore } from '../../ports/runStore.js';
import type { DagSession } from '../../engine/dagSession.js';
import type { Trigger } from '../../core/types.js';
import type { HomePaths } from '../paths.js';
import type { LiveStatus } from '../status/liveStatus.js';

/** A run asked for with its upstream (`with_deps`): its id is answered at once, its row comes once its upstream is done. */
export interface PlannedRun {
  task: string;
  trigger: Trigger;
  upstream: string[];
  session: DagSession;
}

export interface ApiContext {
  engine: Engine;
  cron: CronSource;
  store: RunStore;
  live: LiveStatus;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  paths: HomePaths;
  config(): Config;
  version: string;
  /** Monotonic ms at the daemon's start. */
  startedAt: number;
  /** The last failed write to the history, or null. */
  writeFailure(): { message: string; at: number } | null;
  /** Why the executor cannot hand attempts over now (the queue executor's Redis away), or null. */
  executorDown?(): string | null;
  /** The runs of with_deps requests not asked for yet, by the id the API answered with. */
  planned: Map<string, PlannedRun>;
  /** Sends an event to every live-stream subscriber. */
  publish(event: ApiEvent): void;
  /** In a standby cluster (settings.ha): this node's role and the leader; absent for a single scheduler. */
  cluster?: {
    node: string;
    role(): 'leader' | 'standby';
    leader(): string | null;
    /** Whether this node reaches the cluster's Redis, and why not (a node cut off from it is degraded). */
    connection(): { connected: boolean; reason: string | null };
    /** The HTTP API of a node, as it registered it. */
    urlOf(node: string): string | null;
  };
}

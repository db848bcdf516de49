// Paused tasks are the cluster's, not a node's: only the leader takes a pause or a resume (a
// standby refuses writes), and writes its whole set to Redis after each change; standbys follow
// it, and a new leader takes it before it fires, so a task paused before a failover stays paused.
import type { Engine } from '../../engine/engine.js';
import type { ClusterStore } from '../../ports/cluster.js';
import type { RunStore } from '../../ports/runStore.js';

export class PauseSync {
  /** The engine's pause generation last written to Redis. */
  private written = -1;

  constructor(
    private readonly engine: () => Engine | null,
    private readonly store: () => RunStore,
    private readonly cluster: ClusterStore,
  ) {}

  /** The leader, after a pause or a resume here: the cluster's set becomes this node's. */
  async push(lease: string): Promise<void> {
    const engine = this.engine();
    if (!engine || engine.pauseGeneration === this.written) return;
    const generation = engine.pauseGeneration;
    if (await this.cluster.setPauses(lease, this.store().pausedTasks())) this.written = generation;
  }

  /** A standby, or a node taking over: its pauses become the cluster's (unless Redis has none written). */
  async pull(): Promise<void> {
    const engine = this.engine();
    const shared = await this.cluster.pauses();
    if (!engine || !shared) return;
    for (const [task, pause] of shared) if (!engine.pausedInfo(task)) engine.setPaused(task, pause);
    for (const task of this.store().pausedTasks().keys()) if (!shared.has(task)) engine.setPaused(task, null);
    this.written = engine.pauseGeneration;
  }
}

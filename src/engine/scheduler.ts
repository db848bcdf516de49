// The daemon's scheduler: the engine (the one way in for runs) with the cron source asking it
// for fires. The daemon, `simulate` and the scheduling tests all drive this same composition.
// In a cluster (settings.ha) it leads or stands by as the lease says, with a gate on its fires.
import type { Config } from '../core/types.js';
import type { StoredRun } from '../ports/runStore.js';
import type { EngineContext } from './context.js';
import { CronSource, type BurstSplit, type FireGate } from './cronSource.js';
import { Engine } from './engine.js';

export class Scheduler {
  readonly engine: Engine;
  readonly cron: CronSource;

  constructor(
    private readonly ctx: EngineContext,
    private config: Config,
    options: { wakeCapMs?: number; gate?: FireGate; burst?: BurstSplit } = {},
  ) {
    this.engine = new Engine(ctx, config);
    this.cron = new CronSource(ctx, this.engine, options.wakeCapMs, options.gate ?? null, options.burst);
  }

  /** Resumes the runs an earlier daemon left queued or waiting, then starts firing (with catch-up). */
  start(): void {
    this.ctx.store.batch(() => {
      this.engine.resume(this.ctx.store.openRuns());
      this.engine.dispatch();
    });
    this.cron.start();
  }

  /** A cluster node that now holds the lease: it resumes these open runs of its own, then fires (with catch-up). */
  lead(open: StoredRun[]): void {
    this.engine.release();
    this.ctx.store.batch(() => {
      this.engine.resume(open);
      this.engine.dispatch();
    });
    this.cron.start();
  }

  /** The leader of a cluster resumes these open runs another node left it (its own rows now). */
  adopt(runIds: readonly string[]): void {
    const ids = new Set(runIds);
    this.ctx.store.batch(() => {
      this.engine.resume(this.ctx.store.openRuns().filter((run) => ids.has(run.run_id)));
      this.engine.dispatch();
    });
  }

  /** A cluster node without the lease: no fire, no new start; running attempts finish (Engine.hold). */
  standBy(reason: string): void {
    this.cron.stop();
    this.engine.hold(reason);
  }

  /** Applies a new (already valid) config; running runs are not touched. */
  reload(config: Config): void {
    this.config = config;
    this.cron.recordBurst(); // the fires of the old config's last wake go to the engine that knew them
    this.ctx.store.batch(() => this.engine.reload(config));
    this.cron.reload();
  }

  /** Stops firing; lets runs finish up to `shutdown_timeout`, then stops them. */
  async stop(reason: string): Promise<void> {
    this.cron.stop();
    await this.engine.stop(reason, this.config.settings.shutdown_timeout * 1000);
  }
}

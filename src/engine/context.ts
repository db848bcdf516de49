// What the engine runs on: the ports, wired by the composition root (src/app).
import type { Clock } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import type { HealthStore } from '../ports/healthWriter.js';
import type { Logger } from '../ports/logger.js';
import type { RunSource, RunStore } from '../ports/runStore.js';
import type { TaskLog } from '../ports/taskLog.js';
import type { EventBus } from './events.js';

export interface EngineContext {
  executor: Executor;
  store: RunStore;
  health: HealthStore;
  taskLog: TaskLog;
  logger: Logger;
  clock: Clock;
  events: EventBus;
  home: string;
  /** `daemon` for the scheduler daemon, `foreground` for `run`: who owns the runs this engine asks for. */
  source: RunSource;
}

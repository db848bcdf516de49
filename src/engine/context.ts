// What the engine runs on: the ports, wired by the composition root (src/app).
import type { RunStatus, Trigger } from '../core/types.js';
import type { Clock } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import type { HealthStore } from '../ports/healthWriter.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/runStore.js';
import type { TaskLog } from '../ports/taskLog.js';

export type RunEvent =
  | { type: 'attempt-start'; task: string; run_id: string; attempt: number; trigger: Trigger; pid: number; at: number; fire_at: number | null }
  | {
      type: 'attempt-end';
      task: string;
      run_id: string;
      attempt: number;
      status: RunStatus;
      exit_code: number | null;
      reason: string | null;
      duration_ms: number;
      retry_in_ms: number | null;
    }
  | { type: 'skipped'; task: string; run_id: string; reason: string };

export interface EngineContext {
  executor: Executor;
  store: RunStore;
  health: HealthStore;
  taskLog: TaskLog;
  logger: Logger;
  clock: Clock;
  home: string;
  baseEnv: Record<string, string>;
  onEvent?: (event: RunEvent) => void;
}

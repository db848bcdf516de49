// The per-task health file: `status:timestamp:exit_code`, replaced atomically.
import type { Health } from '../core/types.js';

export interface HealthStore {
  /** Queues the replacement of a task's health file; the latest queued content wins. */
  write(task: string, health: Health): void;
  read(task: string): Health | null;
  /** Resolves once every queued write is on disk (called before exit). */
  flush(): Promise<void>;
  /** Removes the temp files a process that died left mid-write (the daemon, as it starts). */
  sweepLeftovers?(): number;
}

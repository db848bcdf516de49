// The per-task health file: `status:timestamp:exit_code`, replaced atomically.
import type { Health } from '../core/types.js';

export interface HealthStore {
  write(task: string, health: Health): void;
  read(task: string): Health | null;
}

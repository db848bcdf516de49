// Health files under status/automation_health/, one per task, replaced atomically.
import fs from 'node:fs';
import path from 'node:path';
import { formatHealth, parseHealth } from '../core/health.js';
import type { Health } from '../core/types.js';
import type { HealthStore } from '../ports/healthWriter.js';
import { writeFileAtomic } from './atomicWrite.js';

export function createHealthStore(dir: string): HealthStore {
  let made = false;
  const file = (task: string) => path.join(dir, `${task}.health`);
  return {
    write(task: string, health: Health): void {
      if (!made) {
        fs.mkdirSync(dir, { recursive: true });
        made = true;
      }
      writeFileAtomic(file(task), formatHealth(health));
    },
    read(task: string): Health | null {
      try {
        return parseHealth(fs.readFileSync(file(task), 'utf8'));
      } catch {
        return null;
      }
    },
  };
}

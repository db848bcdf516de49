// Health files under status/automation_health/, one per task, replaced atomically (temp file,
// fsync, rename). The fsync runs in libuv's thread pool, off the event loop and off the run's
// critical path; writes to one task's file are serialised, and only the latest content of a
// burst is written. `flush()` waits for all of them (before exit). A folder removed under a
// running conductor is made again. A failure (a full disk) is reported once until a write works again.
import fs from 'node:fs';
import path from 'node:path';
import { formatHealth, parseHealth } from '../core/health.js';
import type { Health } from '../core/types.js';
import type { HealthStore } from '../ports/healthWriter.js';
import { writeFileAtomicAsync } from './atomicWrite.js';
import { readText } from './readText.js';

export function createHealthStore(dir: string, onError: (task: string, error: Error) => void = () => {}): HealthStore {
  let made = false;
  const base = path.resolve(dir);
  const file = (task: string) => `${base}${path.sep}${task}.health`; // names are checked: no separators
  const latest = new Map<string, string>();
  const inFlight = new Map<string, Promise<void>>();
  let failing = '';

  const drain = async (task: string): Promise<void> => {
    for (let content = latest.get(task); content !== undefined; content = latest.get(task)) {
      latest.delete(task);
      try {
        await writeFileAtomicAsync(file(task), content).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          await fs.promises.mkdir(dir, { recursive: true });
          await writeFileAtomicAsync(file(task), content);
        });
        failing = '';
      } catch (error) {
        if ((error as Error).message !== failing) onError(task, error as Error);
        failing = (error as Error).message;
      }
    }
    inFlight.delete(task);
  };

  return {
    write(task: string, health: Health): void {
      if (!made) {
        fs.mkdirSync(dir, { recursive: true });
        made = true;
      }
      latest.set(task, formatHealth(health));
      if (!inFlight.has(task)) inFlight.set(task, drain(task));
    },
    read(task: string): Health | null {
      // `status` reads every task's file: no readFileSync, no stack trace for a missing one (readText).
      const text = readText(file(task), 'utf8', true);
      return text === null ? null : parseHealth(text);
    },
    async flush(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()]);
    },
  };
}

// Health files under status/automation_health/, one per task, replaced atomically (temp file,
// fsync, rename), off the event loop and off the run's critical path: the first few through
// libuv's thread pool, then, once a process has written THREAD_AFTER of them (a daemon, `run
// --all`), a batch per turn of the event loop on a worker thread (healthThread.ts), which costs
// the event loop one message instead of five round trips a file. Writes to one task's file are
// serialised, and only the latest content of a burst is written. `flush()` waits for all of them
// (before exit). A folder removed under a running conductor is made again. A failure (a full
// disk) is reported once until a write works again. Should the thread fail, the pool does it all.
import fs from 'node:fs';
import path from 'node:path';
import { formatHealth, parseHealth } from '../core/health.js';
import type { Health } from '../core/types.js';
import type { HealthStore } from '../ports/healthWriter.js';
import { writeFileAtomicAsync } from './atomicWrite.js';
import { HealthThread } from './healthThread.js';
import { readText } from './readText.js';

/** Files written through the pool before the worker thread takes over (one `run --task` never starts it). */
export const THREAD_AFTER = 16;

export function createHealthStore(dir: string, onError: (task: string, error: Error) => void = () => {}, options: { threadAfter?: number } = {}): HealthStore {
  let made = false;
  const base = path.resolve(dir);
  const file = (task: string) => `${base}${path.sep}${task}.health`; // names are checked: no separators
  const latest = new Map<string, string>();
  const inFlight = new Map<string, Promise<void>>();
  let failing = '';
  const threadAfter = options.threadAfter ?? THREAD_AFTER;
  let writes = 0;
  let thread: HealthThread | null = null;
  /** Tasks whose latest content waits for the next batch to the thread. */
  const forThread = new Set<string>();
  let batchDue: Promise<void> | null = null;
  const batches = new Set<Promise<void>>();

  // Said once while the same failure goes on: by its code (a temp file's name differs each time).
  const failed = (task: string, message: string, code: string) => {
    const key = code || message;
    if (key !== failing) onError(task, new Error(message));
    failing = key;
  };

  const sendBatch = async (): Promise<void> => {
    batchDue = null;
    const tasks = [...forThread];
    forThread.clear();
    const files: [string, string][] = [];
    const contents = new Map<string, string>();
    for (const task of tasks) {
      const content = latest.get(task);
      if (content === undefined) continue;
      latest.delete(task);
      contents.set(file(task), content);
      files.push([file(task), content]);
    }
    if (files.length === 0) return;
    const result = await (thread as HealthThread).write(files);
    if (result === null) {
      // The thread failed: what it may not have written goes through the pool (unless newer content waits).
      for (const task of tasks) {
        const content = contents.get(file(task));
        if (content === undefined) continue;
        if (!latest.has(task)) latest.set(task, content);
        if (!inFlight.has(task)) inFlight.set(task, drain(task));
      }
      return;
    }
    if (result.written > 0) failing = '';
    const byFile = new Map(tasks.map((task) => [file(task), task]));
    for (const [name, message, code] of result.failed) failed(byFile.get(name) ?? name, message, code);
  };

  const track = (batch: Promise<void>) => {
    batches.add(batch);
    void batch.finally(() => batches.delete(batch));
  };

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
        failed(task, (error as Error).message, (error as NodeJS.ErrnoException).code ?? '');
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
      // A task whose file is on its way through the pool stays there (its drain takes the latest).
      if (inFlight.has(task)) return;
      if (++writes > threadAfter && (thread ??= new HealthThread()).usable) {
        forThread.add(task);
        if (batchDue === null) {
          batchDue = new Promise<void>((resolve) => setImmediate(resolve))
            .then(sendBatch)
            .catch((error: Error) => failed(task, error.message, ''));
          track(batchDue);
        }
        return;
      }
      inFlight.set(task, drain(task));
    },
    read(task: string): Health | null {
      // `status` reads every task's file: no readFileSync, no stack trace for a missing one (readText).
      const text = readText(file(task), 'utf8', true);
      return text === null ? null : parseHealth(text);
    },
    async flush(): Promise<void> {
      while (inFlight.size > 0 || batches.size > 0) await Promise.all([...inFlight.values(), ...batches]);
    },
  };
}

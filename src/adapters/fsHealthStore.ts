// Health files under status/automation_health/, one per task, replaced atomically (temp file,
// fsync, rename), off the event loop and off the run's critical path: by the spawn helper's
// writer thread when there is one (`writer`: one message a file, done in the order asked), else
// in libuv's thread pool (writes to one task's file serialised, only the latest content of a
// burst written). `flush()` waits for all of them (before exit). A folder removed under a
// running conductor is made again. A task's failure (a full disk) is reported once, until a write
// of that task's file works again. (A worker thread writing them in batches was tried, stop 35:
// the 1,000-task layered DAG took 8% longer with it, and 7.5% more CPU: it is not used. The
// helper's thread took the pool's five requests a file off the main thread, stop 44: see
// bench/HISTORY.md.)
import fs from 'node:fs';
import path from 'node:path';
import { formatHealth, parseHealth } from '../core/health.js';
import type { Health } from '../core/types.js';
import type { HealthStore } from '../ports/healthWriter.js';
import { WRITER_GONE, tempNameFor, writeFileAtomicAsync, type AtomicFileWriter } from './atomicWrite.js';
import { readText } from './readText.js';
import { makeDirs } from './makeDirs.js';

export function createHealthStore(dir: string, onError: (task: string, error: Error) => void = () => {}, writer: AtomicFileWriter | null = null): HealthStore {
  let made = false;
  const base = path.resolve(dir);
  const file = (task: string) => `${base}${path.sep}${task}.health`; // names are checked: no separators
  const latest = new Map<string, string>();
  const inFlight = new Map<string, Promise<void>>();
  /** Each task's failure going on (its error code, or message), said once until that task's file is written again. */
  const failing = new Map<string, string>();

  // Said once per task while the same failure goes on: by its code (a temp file's name differs each time).
  const failed = (task: string, message: string, code: string) => {
    const key = code || message;
    if (failing.get(task) !== key) onError(task, new Error(message));
    failing.set(task, key);
  };

  /** Writes handed to `writer` and not yet answered; `flush` waits for none to be left. */
  let handedOver = 0;
  let settled: (() => void)[] = [];
  /** The number of each task's last write handed to `writer` (an older answer then changes nothing). */
  const lastHanded = new Map<string, number>();
  let handedCount = 0;

  const answered = () => {
    if (--handedOver > 0) return;
    const waiting = settled;
    settled = [];
    for (const resolve of waiting) resolve();
  };

  /** Hands a write to `writer`; false when it cannot take it (the pool writes it then). */
  const handOver = (task: string, content: string, again = false): boolean => {
    if (!writer) return false;
    const target = file(task);
    const number = ++handedCount;
    const taken = writer.writeAtomic(target, tempNameFor(target), content, (error) => {
      if (!error) failing.delete(task);
      else if (error.code === 'ENOENT' && !again && makeFolder()) {
        // The folder was removed under a running conductor: made again, the write asked again.
        if (lastHanded.get(task) === number && !handOver(task, content, true)) poolWrite(task, content);
      } else if (error.code === WRITER_GONE) {
        // The helper ended before it said: the pool writes the task's latest content, unless a
        // later write went to another helper (it will say how that went).
        if (lastHanded.get(task) === number) poolWrite(task, content);
      } else failed(task, error.message, error.code ?? '');
      if (lastHanded.get(task) === number) lastHanded.delete(task);
      answered();
    });
    if (!taken) return false;
    lastHanded.set(task, number);
    handedOver++;
    return true;
  };

  const makeFolder = (): boolean => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      return true;
    } catch {
      return false;
    }
  };

  const poolWrite = (task: string, content: string): void => {
    latest.set(task, content);
    if (!inFlight.has(task)) inFlight.set(task, drain(task));
  };

  const drain = async (task: string): Promise<void> => {
    // A microtask later: a run's end writes its health file right after the commit that also
    // started what the end set off, whose start request goes out in a microtask queued before
    // this one; the pool's first request (and the thread it wakes) comes after it.
    await null;
    for (let content = latest.get(task); content !== undefined; content = latest.get(task)) {
      latest.delete(task);
      try {
        await writeFileAtomicAsync(file(task), content).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          await fs.promises.mkdir(dir, { recursive: true });
          await writeFileAtomicAsync(file(task), content);
        });
        failing.delete(task);
      } catch (error) {
        failed(task, (error as Error).message, (error as NodeJS.ErrnoException).code ?? '');
      }
    }
    inFlight.delete(task);
  };

  return {
    write(task: string, health: Health): void {
      if (!made) {
        makeDirs(dir);
        made = true;
      }
      const content = formatHealth(health);
      // While the pool writes a task's file (the helper ended), its next writes go there too: in order.
      if (inFlight.has(task) || !handOver(task, content)) poolWrite(task, content);
    },
    read(task: string): Health | null {
      // `status` reads every task's file: no readFileSync, no stack trace for a missing one (readText).
      const text = readText(file(task), 'utf8', true);
      return text === null ? null : parseHealth(text);
    },
    sweepLeftovers(): number {
      // `<task>.health.tmp-<pid>-<random><n>` (tempNameFor): a live process's are its own, in flight.
      let names: string[];
      try {
        names = fs.readdirSync(base);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        const match = /\.health\.tmp-(\d+)-[0-9a-f]{8}[0-9a-z]+$/.exec(name);
        if (!match || Number(match[1]) === process.pid || processAlive(Number(match[1]))) continue;
        fs.rmSync(path.join(base, name), { force: true });
        removed++;
      }
      return removed;
    },
    async flush(): Promise<void> {
      while (inFlight.size > 0 || handedOver > 0) {
        if (handedOver > 0) await new Promise<void>((resolve) => settled.push(resolve));
        await Promise.all([...inFlight.values()]);
      }
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

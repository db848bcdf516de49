// `simulate`'s printer on a second thread (the machine's other core): the simulation thread
// packs each fire into eight numbers, sends them in batches, and never formats a fire; the
// writer thread (simulationWriter.ts) prints them with the same printers, so the same bytes.
// At most a few batches are in flight: a writer behind (a slow reader) holds the simulation back.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimulatedFire } from '../../app/simulate/simulationLog.js';
import type { Config } from '../../core/types.js';
import { FIELDS, STATE, TRIGGERS, OUTCOMES, CLOSED, type WriterData, type WriterMessage } from './simulationRecords.js';

/** Fires per batch, and batches sent but not yet printed before the simulation waits. */
const BATCH = 4096;
const IN_FLIGHT = 4;

export interface ThreadedPrinter {
  fire(fire: SimulatedFire): void;
  /** Sends the rest and waits until the writer has printed all of it; a failure of the writer is thrown, a write error goes to stdout's handler. */
  end(): Promise<void>;
  /** Stops the writer when the simulation failed (its error is the command's). */
  abort(): void;
}

/** The writer's compiled file: beside this module (tsc's output) or under render/ (this module bundled in dist/cli). */
function writerFile(): string | null {
  for (const relative of ['./simulationWriter.js', './render/simulationWriter.js']) {
    const file = fileURLToPath(new URL(relative, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** A printer on its own thread, or null where there is no compiled writer to start (the sources run by the tests). */
export function threadedPrinter(kind: 'json' | 'text', config: Config, window: { from: number; until: number }): ThreadedPrinter | null {
  const file = writerFile();
  if (file === null) return null;
  const shared = new SharedArrayBuffer(8);
  const state = new Int32Array(shared);
  const data: WriterData = {
    kind,
    config: { tasks: config.tasks.map((t) => ({ name: t.name, timezone: t.timezone })), settings: { timezone: config.settings.timezone } },
    window,
    state: shared,
  };
  const worker = new Worker(file, { workerData: data, stdout: false, stderr: false });
  let failure: WriterMessage | null = null;
  let done = false;
  const finished = new Promise<void>((resolve) => {
    worker.on('message', (message: WriterMessage) => {
      if (message.kind === 'done') done = true;
      else if (message.kind === 'error' || message.kind === 'write-error') failure ??= message;
    });
    worker.on('error', (error) => {
      failure ??= { kind: 'error', message: error.message };
    });
    worker.on('exit', () => resolve());
  });

  function idOf<T>(map: Map<string, number>, fresh: T[], key: string, value: T): number {
    let id = map.get(key);
    if (id === undefined) {
      map.set(key, (id = map.size));
      fresh.push(value);
    }
    return id;
  }
  let newTasks: string[] = [];
  let newReasons: string[] = [];
  let newWaits: string[][] = [];
  const taskIds = new Map<string, number>();
  const reasonIds = new Map<string, number>();
  const waitIds = new Map<string, number>();
  const triggerIds = new Map(TRIGGERS.map((t, i) => [t as string, i]));
  const outcomeIds = new Map(OUTCOMES.map((o, i) => [o as string, i]));
  let records = new Float64Array(BATCH * FIELDS);
  let count = 0;
  let sent = 0;

  /** A closed reader stops the simulation as stdout's own EPIPE would: a quiet exit 0 (main.ts). */
  const closedNow = () => {
    const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
    process.stdout.emit('error', error);
  };
  const send = () => {
    if (count === 0) return;
    for (;;) {
      const failed = Atomics.load(state, STATE.failed);
      if (failed === CLOSED) closedNow();
      if (failed !== 0) break;
      const consumed = Atomics.load(state, STATE.consumed);
      if (sent - consumed < IN_FLIGHT) {
        const message: WriterMessage = { kind: 'batch', records: records.buffer as ArrayBuffer, count, tasks: newTasks, reasons: newReasons, waits: newWaits };
        worker.postMessage(message, [records.buffer as ArrayBuffer]);
        sent++;
        break;
      }
      Atomics.wait(state, STATE.consumed, consumed, 1000);
    }
    records = new Float64Array(BATCH * FIELDS);
    count = 0;
    newTasks = [];
    newReasons = [];
    newWaits = [];
  };

  return {
    fire(fire) {
      const i = count * FIELDS;
      records[i] = fire.at;
      records[i + 1] = idOf(taskIds, newTasks, fire.task, fire.task);
      records[i + 2] = triggerIds.get(fire.trigger) as number;
      records[i + 3] = fire.waits_on.length === 0 ? -1 : idOf(waitIds, newWaits, fire.waits_on.join('\u0000'), [...fire.waits_on]);
      records[i + 4] = outcomeIds.get(fire.outcome) as number;
      records[i + 5] = fire.reason === null ? -1 : idOf(reasonIds, newReasons, fire.reason, fire.reason);
      records[i + 6] = fire.start ?? NaN;
      records[i + 7] = fire.end ?? NaN;
      if (++count === BATCH) send();
    },
    abort() {
      void worker.terminate();
    },
    async end() {
      send();
      if (Atomics.load(state, STATE.failed) === 0) worker.postMessage({ kind: 'end' } satisfies WriterMessage);
      else void worker.terminate();
      await finished;
      // The flag says it even if the thread's last message was lost as it ended.
      const f = (failure as WriterMessage | null) ?? (Atomics.load(state, STATE.failed) === CLOSED ? { kind: 'write-error', code: 'EPIPE', message: 'write EPIPE' } : null);
      if (f?.kind === 'write-error') process.stdout.emit('error', Object.assign(new Error(f.message), { code: f.code, syscall: 'write' }));
      else if (f?.kind === 'error') throw new Error(`the output thread failed: ${f.message}`);
      else if (!done) throw new Error('the output thread stopped before it printed everything');
    },
  };
}

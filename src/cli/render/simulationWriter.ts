// The thread that prints `simulate`'s fires (simulationThread.ts starts it) from the compact
// records the simulation thread sends in batches: the JSON straight from the records into bytes
// (simulationJsonBytes.ts), the text table through textPrinter; either way the bytes the main
// thread's printers would write (test/e2e/simulateThread.test.ts), while the main thread only simulates.
// It writes fd 1 itself, synchronously; a write error (EPIPE) is flagged in shared memory at once.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SimulatedOutcome } from '../../app/simulate/simulationLog.js';
import type { Config, Trigger } from '../../core/types.js';
import type { FirePrinter } from './simulation.js';
import { jsonRecordPrinter, type RecordPrinter } from './simulationJsonBytes.js';
import { FIELDS, STATE, TRIGGERS, OUTCOMES, CLOSED, FAILED, type WriterData, type WriterMessage } from './simulationRecords.js';

const data = workerData as WriterData;
const state = new Int32Array(data.state);
const port = parentPort as NonNullable<typeof parentPort>;

/** Writes all of `bytes` to fd 1, waiting a moment if a non-blocking pipe is full. */
function writeBytes(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(1, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(state, STATE.consumed, Atomics.load(state, STATE.consumed), 1);
    }
  }
}

/**
 * Nothing more can be printed: says why and ends the thread. Ending it matters when the
 * simulation has already sent everything (a short one, then `| head -c 60`): the main thread
 * then waits for this thread's exit, and an `end` that came after the failure is ignored.
 */
function fail(flag: number, message: WriterMessage): void {
  Atomics.store(state, STATE.failed, flag);
  Atomics.notify(state, STATE.consumed);
  port.postMessage(message);
  port.close();
}

/** The text table: each record made a fire again for textPrinter (the table is not what a year is read in). */
function textRecordPrinter(printer: FirePrinter): RecordPrinter {
  const tasks: string[] = [];
  const reasons: string[] = [];
  const waits: string[][] = [];
  return {
    batch(newTasks, newReasons, newWaits, r, count) {
      tasks.push(...newTasks);
      reasons.push(...newReasons);
      waits.push(...newWaits);
      for (let i = 0; i < count * FIELDS; i += FIELDS) {
        const reason = r[i + 5] as number;
        const waitsOn = r[i + 3] as number;
        const start = r[i + 6] as number;
        const end = r[i + 7] as number;
        printer.fire({
          at: r[i] as number,
          task: tasks[r[i + 1] as number] as string,
          trigger: TRIGGERS[r[i + 2] as number] as Trigger,
          waits_on: waitsOn < 0 ? [] : (waits[waitsOn] as string[]),
          outcome: OUTCOMES[r[i + 4] as number] as SimulatedOutcome,
          reason: reason < 0 ? null : (reasons[reason] as string),
          start: Number.isNaN(start) ? null : start,
          end: Number.isNaN(end) ? null : end,
        });
      }
    },
    end: () => printer.end(),
  };
}

try {
  const printer =
    data.kind === 'json'
      ? jsonRecordPrinter(data.config, writeBytes)
      : textRecordPrinter((await import('./simulation.js')).textPrinter(data.config as Config, data.window, (text) => writeBytes(Buffer.from(text))));
  port.on('message', (message: WriterMessage) => {
    if (Atomics.load(state, STATE.failed) !== 0) return;
    try {
      if (message.kind === 'batch') {
        printer.batch(message.tasks, message.reasons, message.waits, new Float64Array(message.records), message.count);
        Atomics.add(state, STATE.consumed, 1);
        Atomics.notify(state, STATE.consumed);
      } else if (message.kind === 'end') {
        printer.end();
        port.postMessage({ kind: 'done' } satisfies WriterMessage);
        port.close();
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (typeof e.code === 'string' && typeof e.syscall === 'string') fail(e.code === 'EPIPE' ? CLOSED : FAILED, { kind: 'write-error', code: e.code, message: e.message });
      else fail(FAILED, { kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
} catch (error) {
  fail(FAILED, { kind: 'error', message: error instanceof Error ? error.message : String(error) });
}

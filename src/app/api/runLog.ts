// A run's output for the API: its sections of the task's log files (rotated ones first), and,
// when following, what the run still writes until it ends (the engine's run.ended event; the
// file is read as it grows, across a rotation between attempts). Read in chunks with
// back-pressure from the reader, so a slow client or a 1 GiB log never fills the daemon's memory.
import fs from 'node:fs';
import type { LogSink } from '../../ports/daemonApi.js';
import { taskOfLog } from '../../adapters/fileTaskLog.js';
import { logFiles, SectionFilter } from '../readTaskLog.js';

const CHUNK = 64 * 1024;
const FOLLOW_EVERY_MS = 200;

export interface RunLogRequest {
  /** The task's current log file. */
  current: string;
  runId: string;
  /** Resolves when the run ends; null when it has ended already (nothing to follow). */
  ended: Promise<unknown> | null;
  signal: AbortSignal;
}

export async function streamRunLog(request: RunLogRequest, sink: LogSink): Promise<void> {
  const out: Buffer[] = [];
  const filter = new SectionFilter((header) => (header.run_id === request.runId ? 0 : Infinity), (chunk) => out.push(chunk), Infinity, taskOfLog(request.current));
  const stop = () => sink.closed || request.signal.aborted;
  const pump = async (handle: fs.promises.FileHandle, from: number): Promise<number> => {
    const buffer = Buffer.alloc(CHUNK);
    let position = from;
    while (!stop()) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      filter.feed(buffer.subarray(0, bytesRead));
      for (const chunk of out.splice(0)) if (!stop()) await sink.write(chunk);
    }
    return position;
  };
  for (const file of logFiles(request.current, 50).filter((f) => f !== request.current)) {
    const handle = await openOrNull(file);
    if (!handle) continue;
    try {
      await pump(handle, 0);
    } finally {
      await handle.close();
    }
    filter.end();
  }
  let ended = request.ended === null;
  let wake: (() => void) | null = null;
  void request.ended?.then(() => {
    ended = true;
    wake?.();
  });
  let handle = await openOrNull(request.current);
  let position = 0;
  try {
    for (;;) {
      const last = ended; // read once more after the run ended: its last bytes are in the file by then
      if (handle) position = await pump(handle, position);
      if (stop()) return;
      const moved = await rotated(request.current, handle);
      if (moved) {
        if (handle) {
          await pump(handle, position);
          await handle.close();
        }
        filter.end();
        handle = await openOrNull(request.current);
        position = 0;
        continue;
      }
      if (last) break;
      await pause(FOLLOW_EVERY_MS, request.signal, (done) => (wake = done));
      wake = null;
    }
    filter.end();
    for (const chunk of out.splice(0)) if (!stop()) await sink.write(chunk);
  } finally {
    await handle?.close();
  }
}

async function openOrNull(file: string): Promise<fs.promises.FileHandle | null> {
  try {
    return await fs.promises.open(file, 'r');
  } catch {
    return null;
  }
}

/** True when `file` is no longer the file `handle` reads (rotated away, or made since). */
async function rotated(file: string, handle: fs.promises.FileHandle | null): Promise<boolean> {
  let now: fs.Stats;
  try {
    now = await fs.promises.stat(file);
  } catch {
    return false;
  }
  if (!handle) return true;
  return (await handle.stat()).ino !== now.ino;
}

/** Waits `ms`, or less when aborted or woken (`onWake` is handed the function that wakes it). */
function pause(ms: number, signal: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    onWake(done);
  });
}

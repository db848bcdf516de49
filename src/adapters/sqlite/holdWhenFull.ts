// A full disk must not stop the scheduler: when the history cannot be written (SQLITE_FULL,
// ENOSPC), the writes are held in memory, in order, and the conductor goes on as if they had
// been recorded; they are written, in one transaction, as soon as the file system has room again
// (tried at most once a second, and on a timer while any are held). Ids handed out for rows not
// written yet are stand-ins, mapped to the real ids when the rows are written. Reads see the
// file as it is. The owner is told once when writes start to be held (and which file system is
// full), and when they are written; what is still held at close is said too. When the history
// cannot even be opened for writing (a WAL database needs its -shm file made), it is read from a
// copy in memory and opened for writing as soon as there is room.
import { describeFullFileSystem, fileSystemOf, isDiskFull } from '../fileSystemOf.js';
import type { RunStore } from '../../ports/runStore.js';

/** Methods that write; the others read and pass through. */
const WRITES = new Set([
  'createRun',
  'setRunState',
  'adoptRun',
  'startAttempt',
  'dispatchAttempt',
  'attemptStarted',
  'finishAttempt',
  'recordSkip',
  'markInterrupted',
  'prune',
  'setWatermark',
  'setDaemonInfo',
  'claimTaskLog',
  'releaseTaskLog',
  'markQueued',
  'setPaused',
  'recordAudit',
]);
/** Writes whose first argument is a row id (which may be a stand-in). */
const TAKES_ROW_ID = new Set(['dispatchAttempt', 'attemptStarted', 'finishAttempt', 'markInterrupted']);
/** Writes that return a row id (or null). */
const GIVES_ROW_ID = new Set(['createRun', 'startAttempt']);
/** What a held write returns, when not an id. */
const HELD_RESULT: Record<string, unknown> = { prune: 0, claimTaskLog: true, setPaused: true };
/** More held writes than this are dropped (and counted): memory stays bounded. */
const MAX_HELD = 100_000;
const RETRY_MS = 1000;

interface Write {
  method: string;
  args: unknown[];
  /** The id it returned (real, or a stand-in): mapped to the id it gets when written. */
  gave: number | null;
}

export type FullDiskNotice = { kind: 'holding'; message: string } | { kind: 'written'; message: string } | { kind: 'lost'; message: string };

const ROLLBACK = Symbol('roll back the batch: a write in it could not be made');

/**
 * Opens the history with `open`; on a full disk, reads it from `openCopy` (a copy in memory) and
 * opens it for writing later.
 */
export function openHoldingWhenFull(file: string, open: () => RunStore, openCopy: () => RunStore, notify: (notice: FullDiskNotice) => void): RunStore {
  try {
    return holdWritesWhenFull(open(), file, notify);
  } catch (error) {
    if (!isDiskFull(error) && !(ioError(error) && fileSystemOf(file)?.freeBytes === 0)) throw error;
    notify({
      kind: 'holding',
      message: `cannot open the history ${file} for writing: ${(error as Error).message}; ${describeFullFileSystem(file)}; it is read from a copy in memory and writes are held until there is room`,
    });
    return holdWritesWhenFull(openCopy(), file, notify, open);
  }
}

export function holdWritesWhenFull(store: RunStore, file: string, notify: (notice: FullDiskNotice) => void, reopen?: () => RunStore): RunStore {
  let current = store;
  let pendingOpen = reopen ?? null;
  let held: Write[] = [];
  let dropped = 0;
  const ids = new Map<number, number>();
  let nextStandIn = -1;
  let batch: { writes: Write[]; failed: boolean } | null = null;
  let lastTry = 0;
  let timer: NodeJS.Timeout | null = null;
  /** The owner was told writes are held (by openHoldingWhenFull already, when reopening). */
  let told = reopen !== undefined;

  const call = (method: string, args: unknown[]) => (Reflect.get(current, method) as (...a: unknown[]) => unknown).apply(current, args);
  const translate = (write: Write, map: Map<number, number>) =>
    TAKES_ROW_ID.has(write.method) && typeof write.args[0] === 'number' ? [map.get(write.args[0]) ?? ids.get(write.args[0]) ?? write.args[0], ...write.args.slice(1)] : write.args;
  const standIn = (method: string, args: unknown[]): unknown => {
    // createRun gives a row id only for a run that waits (RunStore.createRun).
    if (method === 'createRun' && (args[0] as { state?: string }).state === 'running') return null;
    return GIVES_ROW_ID.has(method) ? nextStandIn-- : HELD_RESULT[method];
  };

  const hold = (writes: Write[], error: unknown) => {
    const room = Math.max(0, MAX_HELD - held.length);
    held.push(...writes.slice(0, room));
    dropped += writes.length - Math.min(room, writes.length);
    if (!told) {
      told = true;
      notify({
        kind: 'holding',
        message: `cannot write the history ${file}: ${(error as Error).message}; ${describeFullFileSystem(file)}; writes are held in memory and recorded when there is room`,
      });
    }
    arm();
  };
  const arm = () => {
    if (timer) return;
    timer = setInterval(() => flush(true), RETRY_MS * 2);
    timer.unref();
  };
  if (pendingOpen) arm();
  const full = (error: unknown) => isDiskFull(error) || (ioError(error) && fileSystemOf(file)?.freeBytes === 0);

  /** Writes what is held, in one transaction; false when there is still no room. */
  const flush = (force = false): boolean => {
    if (held.length === 0 && !pendingOpen) return true;
    const now = Date.now();
    if (!force && now - lastTry < RETRY_MS) return false;
    lastTry = now;
    if (pendingOpen) {
      try {
        const opened = pendingOpen();
        current.close();
        current = opened;
        pendingOpen = null;
      } catch (error) {
        if (full(error)) return false;
        throw error;
      }
    }
    if (held.length === 0) {
      if (timer) clearInterval(timer);
      timer = null;
      notify({ kind: 'written', message: `the history ${file} is open for writing again` });
      told = false;
      return true;
    }
    const found = new Map<number, number>();
    try {
      current.batch(() => {
        for (const write of held) {
          const result = call(write.method, translate(write, found));
          if (write.gave !== null && typeof result === 'number') found.set(write.gave, result);
        }
      });
    } catch (error) {
      if (full(error)) return false;
      throw error;
    }
    for (const [from, to] of found) ids.set(from, to);
    const count = held.length;
    held = [];
    if (timer) clearInterval(timer);
    timer = null;
    notify({ kind: 'written', message: `the history ${file} has room again: ${count} held writes recorded${dropped ? `, ${dropped} dropped` : ''}` });
    dropped = 0;
    told = false;
    return true;
  };

  const write = (method: string, args: unknown[]): unknown => {
    if (batch) {
      const entry: Write = { method, args, gave: null };
      batch.writes.push(entry);
      if (batch.failed) return remember(entry, standIn(method, args));
      try {
        return remember(entry, call(method, translate(entry, new Map())));
      } catch (error) {
        if (!full(error)) throw error;
        batch.failed = true;
        return remember(entry, standIn(method, args));
      }
    }
    const entry: Write = { method, args, gave: null };
    if (!flush()) {
      hold([entry], new Error('earlier writes are still held'));
      return remember(entry, standIn(method, args));
    }
    try {
      return remember(entry, call(method, translate(entry, new Map())));
    } catch (error) {
      if (!full(error)) throw error;
      hold([entry], error);
      return remember(entry, standIn(method, args));
    }
  };

  const runBatch = <T>(fn: () => T): T => {
    if (batch) return fn();
    const mine = { writes: [] as Write[], failed: !flush() };
    batch = mine;
    let value: T;
    let failure: unknown = null;
    try {
      if (mine.failed) value = fn();
      else {
        current.batch(() => {
          value = fn();
          if (mine.failed) throw ROLLBACK; // a write could not be made: none of the batch is kept
        });
      }
    } catch (error) {
      if (error !== ROLLBACK && !full(error)) throw error;
      failure = error === ROLLBACK ? new Error('a write of the batch could not be made') : error;
    } finally {
      batch = null;
    }
    if (mine.failed || failure !== null) hold(mine.writes, failure ?? new Error('earlier writes are still held'));
    return value!;
  };

  return new Proxy({} as RunStore, {
    get(_target, property) {
      if (property === 'batch') return runBatch;
      if (property === 'close') {
        return () => {
          flush(true);
          if (timer) clearInterval(timer);
          if (held.length + dropped > 0) notify({ kind: 'lost', message: `${held.length + dropped} writes to the history ${file} could not be recorded: ${describeFullFileSystem(file)}` });
          current.close();
        };
      }
      const value = Reflect.get(current, property) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && WRITES.has(property)) return (...args: unknown[]) => write(property, args);
      return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(current, args);
    },
  });
}

/** SQLITE_IOERR_WRITE, SQLITE_IOERR_SHMSIZE ...: a disk-full error when the file system has no room left. */
function ioError(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_IOERR')) return true;
  }
  return false;
}

function remember(entry: Write, result: unknown): unknown {
  if (GIVES_ROW_ID.has(entry.method) && typeof result === 'number') entry.gave = result;
  return result;
}

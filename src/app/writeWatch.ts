// The daemon's history with a watch on its writes: the last write that failed is remembered
// (for `GET /health`) until a later write succeeds. A Proxy, so the store's port can grow
// without this being edited for its reads; a method that writes is named below. Only a write
// clears a failure: a read, or a batch that only read, succeeds while another process holds the
// database's write lock, and must not make /health say "ok" while nothing can be recorded.
import type { RunStore } from '../ports/runStore.js';

const WRITES = new Set([
  'createRun', 'setRunState', 'adoptRun', 'startAttempt', 'markQueued', 'dispatchAttempt', 'attemptStarted',
  'finishAttempt', 'discardAttempt', 'recordSkip', 'markInterrupted', 'setPaused', 'recordAudit', 'prune',
  'recordDelivery', 'setWatermark', 'claimTaskLog', 'releaseTaskLog', 'setDaemonInfo',
]);

export interface WriteWatch {
  store: RunStore;
  /** The last failed write, or null once a write succeeded after it. */
  failure(): { message: string; at: number } | null;
}

export function watchWrites(store: RunStore, now: () => number): WriteWatch {
  let failure: { message: string; at: number } | null = null;
  let batchDepth = 0;
  let wroteInBatch = false;
  const failed = (error: unknown) => {
    failure = { message: (error as Error).message, at: now() };
  };
  const watched = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (property === 'batch') {
        // A batch's writes are done when it commits: it clears a failure only if it wrote.
        return (fn: () => unknown) => {
          if (batchDepth === 0) wroteInBatch = false;
          batchDepth++;
          try {
            const result = method(fn);
            if (batchDepth === 1 && wroteInBatch) failure = null;
            return result;
          } catch (error) {
            failed(error);
            throw error;
          } finally {
            batchDepth--;
          }
        };
      }
      if (typeof property !== 'string' || !WRITES.has(property)) return method;
      return (...args: unknown[]) => {
        try {
          const result = method(...args);
          if (batchDepth > 0) wroteInBatch = true;
          else failure = null;
          return result;
        } catch (error) {
          failed(error);
          throw error;
        }
      };
    },
  });
  return { store: watched, failure: () => failure };
}

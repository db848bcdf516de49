// The daemon's history with a watch on its writes: the last write that failed is remembered
// (for `GET /health`) until a later write succeeds. A Proxy, so the store's port can grow
// without this being edited; reads pass through untouched.
import type { RunStore } from '../ports/runStore.js';

const READS = new Set([
  'getRun', 'firstRowOf', 'openRuns', 'history', 'historyPage', 'lastRun', 'lastRuns', 'dataVersion', 'lastWithStatus',
  'runRows', 'since', 'orphans', 'getWatermark', 'getDaemonInfo', 'pausedTasks', 'audit', 'deliveryRun', 'close',
]);

export interface WriteWatch {
  store: RunStore;
  /** The last failed write, or null once a write succeeded after it. */
  failure(): { message: string; at: number } | null;
}

export function watchWrites(store: RunStore, now: () => number): WriteWatch {
  let failure: { message: string; at: number } | null = null;
  const watched = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || READS.has(property)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          failure = null;
          return result;
        } catch (error) {
          failure = { message: (error as Error).message, at: now() };
          throw error;
        }
      };
    },
  });
  return { store: watched, failure: () => failure };
}

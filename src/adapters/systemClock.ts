// The real clock. `at` waits on Node's monotonic timers for the delay it had when armed, so a
// wall-clock step neither shortens nor stretches a run's timeout; the scheduler re-reads the
// wall clock whenever it wakes (at least every 30 s) and so notices steps on its own.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports/clock.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  at(at: number, fn: () => void): () => void {
    const due = performance.now() + Math.max(0, at - Date.now());
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const left = due - performance.now();
      if (left > MAX_TIMER_MS) handle = setTimeout(arm, MAX_TIMER_MS);
      else handle = setTimeout(() => !cancelled && fn(), Math.max(0, Math.ceil(left)));
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  },
};

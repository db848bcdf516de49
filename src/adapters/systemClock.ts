// The real clock. Timers wait on Node's monotonic timers, so a wall-clock step does not make
// them fire early or late by the step; the daemon re-reads the wall clock when they fire.
import type { Clock } from '../ports/clock.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at: number, fn: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const delay = at - Date.now();
      if (delay <= 0) {
        handle = setTimeout(() => !cancelled && fn(), 0);
        return;
      }
      handle = setTimeout(() => !cancelled && (Date.now() >= at ? fn() : arm()), Math.min(delay, MAX_TIMER_MS));
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  },
};

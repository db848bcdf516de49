// Attempts for `simulate`: nothing runs; an attempt takes its expected duration on the
// simulated clock and succeeds, or times out when that is longer than the task's timeout.
import type { Clock } from '../ports/clock.js';
import type { AttemptEnd, Executor } from '../ports/executor.js';

export function createSimulatedExecutor(clock: Clock, durationMs: (task: string) => number): Executor {
  return {
    remote: false,
    run(spec, onStarted): Promise<AttemptEnd> {
      onStarted({ handle: null, label: 'simulated', worker: null });
      const duration = durationMs(spec.task);
      const timedOut = duration > spec.timeoutMs;
      // An attempt of no duration ends at once, without a timer: a year of such fires stays fast.
      if (duration <= 0 && !spec.signal.aborted) {
        return Promise.resolve({ exitCode: 0, signal: null, startError: null, timedOut: false, lost: null, escaped: null });
      }
      return new Promise((resolve) => {
        const end = (fields: Partial<AttemptEnd>) => {
          cancel();
          spec.signal.removeEventListener('abort', stop);
          resolve({ exitCode: 0, signal: null, startError: null, timedOut: false, lost: null, escaped: null, ...fields });
        };
        const stop = () => end({ exitCode: null, signal: 'SIGTERM' });
        const cancel = clock.at(clock.now() + Math.min(duration, spec.timeoutMs), () =>
          end(timedOut ? { exitCode: null, signal: 'SIGTERM', timedOut: true } : {}),
        );
        spec.signal.addEventListener('abort', stop);
        if (spec.signal.aborted) stop();
      });
    },
    recover: async () => null,
    close: async () => {},
  };
}

// What a test started, undone after it whatever its outcome: servers stopped, folders removed,
// processes still running killed (and waited for), in the reverse order of their start.
import type { ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { exitOf } from './wait.js';

export interface Cleanups {
  /** Adds an undo step. */
  push(...steps: Array<() => Promise<void> | void>): void;
  /** Kills `child` after the test if it still runs; returns it. */
  track<T extends ChildProcess>(child: T): T;
}

/** Registers the afterEach that runs the steps; call once at the top of a test file. */
export function cleanupsAfterEach(): Cleanups {
  const steps: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return {
    push: (...more) => steps.push(...more),
    track(child) {
      steps.push(async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exitOf(child);
        }
      });
      return child;
    },
  };
}

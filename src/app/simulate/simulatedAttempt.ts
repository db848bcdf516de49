// How a simulated attempt ends, as createSimulatedExecutor ends it and RunExecution reads it: it
// succeeds, or times out when its expected duration is longer than the task's timeout. The fast
// path computes it once per task with the same core decisions (attemptOutcome, retryDecision).
import { attemptOutcome, type AttemptOutcome } from '../../core/run/outcome.js';
import { retryDecision } from '../../core/run/retryDecision.js';
import type { Task } from '../../core/types.js';

/** The first attempt's outcome for an expected duration (ms). */
export function simulatedAttempt(task: Task, durationMs: number): AttemptOutcome {
  const timedOut = durationMs > task.timeout * 1000;
  return attemptOutcome({
    exitCode: timedOut ? null : 0,
    signal: timedOut ? 'SIGTERM' : null,
    startError: null,
    timedOut,
    timeoutSeconds: task.timeout,
    interruptedBy: null,
    cancelledBy: null,
  });
}

/** The run's final status and reason when its first attempt is its last (no retry). */
export function simulatedRunEnd(task: Task, durationMs: number): { status: AttemptOutcome['status']; reason: string | null } {
  const outcome = simulatedAttempt(task, durationMs);
  const decision = retryDecision(task, 1, outcome, null);
  if (decision.retry || !decision.reason) return { status: outcome.status, reason: outcome.reason };
  return { status: outcome.status, reason: [outcome.reason, decision.reason].filter(Boolean).join('; ') };
}

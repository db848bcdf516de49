// Which configs `simulate` may run on its fast path (fastSimulate) and which need the engine:
// the fast path drives the same pure decisions but models only what a cron-and-dependencies
// config uses. Anything else (approvals, budgets, `replace`, downstream-triggered tasks, watched
// folders, webhooks, a timed-out attempt that would be retried, a paused task) goes through the
// daemon's own Engine on the simulated clock, the reference.
import { retryDecision } from '../../core/run/retryDecision.js';
import type { Config } from '../../core/types.js';
import { simulatedAttempt } from './simulatedAttempt.js';

/** Why this config needs the engine path, or null when the fast path models all of it. */
export function engineOnlyReason(config: Config, durationMs: (task: string) => number, paused: ReadonlyMap<string, unknown> = new Map()): string | null {
  for (const task of config.tasks) {
    const named = `task ${task.name}`;
    if (paused.has(task.name)) return `${named} is paused`;
    if (task.approval) return `${named} needs approval`;
    if (task.budget) return `${named} has a budget`;
    if (task.concurrency_policy === 'replace') return `${named} has concurrency_policy replace`;
    if (task.watch) return `${named} watches a folder`;
    if (task.webhook) return `${named} takes a webhook`;
    if (task.enabled && !task.schedule && task.dependencies.length > 0) return `${named} runs after its dependencies (a downstream trigger)`;
    const attempt = simulatedAttempt(task, durationMs(task.name));
    if (attempt.status !== 'success' && retryDecision(task, 1, attempt, null).retry) return `${named} would time out and be retried`;
  }
  return null;
}

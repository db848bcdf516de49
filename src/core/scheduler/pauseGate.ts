// A paused task (Kubernetes CronJob `suspend`): what comes by itself (a cron fire, catch-up, a
// dependency trigger, a watched file, a webhook) is recorded skipped with the reason `paused`;
// what a person asks for (run --task, the API, run --all) still runs.
import type { Trigger } from '../types.js';

export const PAUSED_REASON = 'paused';

const BY_HAND: ReadonlySet<Trigger> = new Set(['manual', 'api', 'once']);

/** Asked for by a person (run --task, the API and the dashboard, run --all), or a source that says it was (`byHand`). */
export function isByHand(trigger: Trigger, byHand = false): boolean {
  return byHand || BY_HAND.has(trigger);
}

export type PauseDecision = { kind: 'run' } | { kind: 'skip'; reason: string };

export function pauseGate(trigger: Trigger, paused: boolean): PauseDecision {
  if (!paused || BY_HAND.has(trigger)) return { kind: 'run' };
  return { kind: 'skip', reason: PAUSED_REASON };
}

// Whether the daemon is healthy, for `GET /health`: its scheduler loop wakes at least every
// 30 s (WAKE_CAP_MS), so a minute without a wake means it stalled; the last write to the
// history must not have failed (a later good write clears it); a cluster node must reach the
// cluster's Redis (settings.ha); and the executor must be able to hand attempts over (the queue
// executor's Redis reachable).
export const STALL_MS = 60_000;

export type LoopHealth = { status: 'ok' } | { status: 'degraded'; reason: string };

export function loopHealth(
  sinceTickMs: number,
  writeFailure: { message: string; agoMs: number } | null,
  executorDown: string | null = null,
  clusterDown: string | null = null,
): LoopHealth {
  if (sinceTickMs >= STALL_MS) {
    return { status: 'degraded', reason: `the scheduler loop has not ticked for ${Math.floor(sinceTickMs / 1000)} s` };
  }
  if (writeFailure) {
    return { status: 'degraded', reason: `the history cannot be written (${Math.floor(writeFailure.agoMs / 1000)} s ago): ${writeFailure.message}` };
  }
  if (clusterDown) return { status: 'degraded', reason: clusterDown };
  if (executorDown) return { status: 'degraded', reason: executorDown };
  return { status: 'ok' };
}

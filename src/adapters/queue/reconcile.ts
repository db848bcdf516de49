// After events may have been missed (Redis was away, the events stream was trimmed), where a job
// is in BullMQ says what became of an attempt the scheduler still waits for.
export type Reconcile =
  /** Redis lost the job before any worker took it (a restart without persistence): add it again. */
  | 'readd'
  /** A worker had it and BullMQ no longer counts it as running: its worker was lost. */
  | 'lost'
  /** BullMQ failed it: read its reason. */
  | 'failed'
  /** It completed: its end report is in its stream; read what is left of it. */
  | 'completed'
  | null;

export function reconcile(state: string, started: boolean): Reconcile {
  if (state === 'unknown') return started ? 'lost' : 'readd';
  if (state === 'failed') return 'failed';
  if (state === 'completed') return 'completed';
  // Back in `wait` after a worker had it: the stalled check moved it there (failed on pickup).
  if (state === 'waiting' && started) return 'lost';
  return null;
}

// How BullMQ notices a lost worker, shared by the workers and the scheduler's own checker (the
// spec: a worker killed mid-run is noticed within 30 s). A worker renews its job's lock every
// few seconds; a lock not renewed for `lockDuration` has expired, and the next stalled check
// (every `stalledInterval`, by any worker or by the scheduler) finds the job stalled: at most
// lockDuration + 2 x stalledInterval = 25 s after the worker died. `maxStalledCount: 0`: a
// stalled job is never handed to another worker by BullMQ (it is failed when one picks it up);
// the scheduler records the attempt interrupted and its own retry rules decide what follows.
// A Redis outage shorter than FENCE_MS costs running jobs nothing.
export const LOCK_SETTINGS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 0,
} as const;

/**
 * A worker stops a job whose lock it has not renewed for this long (it cannot reach Redis, so
 * the lock is about to expire and the scheduler may retry the attempt elsewhere): before the
 * lock expires, so that a job never runs twice at once. BullMQ renews every 3.75-7.5 s.
 */
export const FENCE_MS = LOCK_SETTINGS.lockDuration - 3_000;

/**
 * Finished jobs are kept a while so that their id still de-duplicates an `add` retried after a
 * lost reply; the attempt's history is the scheduler's, not Redis's.
 */
export const KEEP_JOBS = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 24 * 3600, count: 10_000 },
} as const;

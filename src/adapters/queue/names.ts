// Every name the queue executor and its workers agree on in Redis: the BullMQ queues, the job id
// of an attempt, and the conductor's own keys beside them (an attempt's stream, the workers'
// registry, the stop requests). One place, so the scheduler and a worker on another machine
// can never disagree.

/** The BullMQ queue of a task's `queue` (spec: `<prefix>.<queue>`). */
export function queueName(prefix: string, queue: string): string {
  return `${prefix}.${queue}`;
}

/**
 * One attempt is one job, with this id: a retried `add` (Redis came back) finds the job it
 * already made instead of making a second one. Run ids and attempts hold no ':'.
 */
export function jobIdOf(runId: string, attempt: number): string {
  return `${runId}.${attempt}`;
}

/** The Redis stream a worker writes an attempt's start, output and end to when its job names no reply stream. */
export function attemptStreamKey(prefix: string, jobId: string): string {
  return `${prefix}:attempt:${jobId}`;
}

/** The stream one scheduler process reads every reply of its attempts from (workers write there). */
export function replyStreamKey(prefix: string, instance: string): string {
  return `${prefix}:replies:${instance}`;
}

/** A hash of the live workers: name -> their heartbeat as JSON. */
export function workersKey(prefix: string): string {
  return `${prefix}:workers`;
}

/** A stop request for one job (`stop`: SIGTERM then SIGKILL after grace; `kill`: SIGKILL), kept for a worker that takes the job later. */
export function stopKey(prefix: string, jobId: string): string {
  return `${prefix}:stop:${jobId}`;
}

/** The pub/sub channel that tells workers a stop request is there. */
export function controlChannel(prefix: string): string {
  return `${prefix}:control`;
}

const HANDLE = /^queue:([^\s:]+)$/;

/** The handle of a job, as recorded in its attempt row: `queue:<jobId>`. */
export function queueHandle(jobId: string): string {
  return `queue:${jobId}`;
}

export function parseQueueHandle(handle: string): string | null {
  return HANDLE.exec(handle)?.[1] ?? null;
}

// What travels between the scheduler and a worker, besides BullMQ's own bookkeeping: the job's
// data (what the attempt needs to run), and the entries of the attempt's Redis stream (the
// worker's start, the output as it comes, the end). Encoding and decoding live here only.

/** A job's data: everything a worker needs to run one attempt. */
export interface JobData {
  run_id: string;
  attempt: number;
  task: string;
  trigger: string;
  command: string;
  /** Relative: resolved against the worker's home; absolute: used as it is. */
  cwd: string;
  /** The task's env, the trigger's, and CONDUCTOR_*; the worker adds its own environment under it. */
  env: Record<string, string>;
  timeout_ms: number;
  kill_grace_ms: number;
  /** The scheduler's reply stream, where the worker writes this attempt's entries; absent: the attempt's own stream. */
  reply?: string;
}

/** How an attempt ended on the worker (the local executor's AttemptEnd, as JSON). */
export interface EndReport {
  exit_code: number | null;
  signal: string | null;
  start_error: string | null;
  timed_out: boolean;
  escaped: string | null;
  /** Set when the worker gave the attempt up (it was stopping, or lost the job's lock): ended interrupted, retried. */
  lost: string | null;
  /** True when a stop request was there before the process started: nothing ran. */
  not_started: boolean;
}

export type AttemptEntry =
  | { kind: 'start'; worker: string; at: number }
  | { kind: 'out'; data: Buffer }
  | { kind: 'end'; end: EndReport };

/** The stream entry fields of an entry (XADD's field/value list); `jobId` names its job on a reply stream shared by many. */
export function encodeEntry(entry: AttemptEntry, jobId?: string): Array<string | Buffer> {
  const fields = entryFields(entry);
  if (jobId !== undefined) fields.push('j', jobId);
  return fields;
}

function entryFields(entry: AttemptEntry): Array<string | Buffer> {
  switch (entry.kind) {
    case 'start':
      return ['k', 'start', 'w', entry.worker, 'at', String(entry.at)];
    case 'out':
      return ['k', 'out', 'd', entry.data];
    case 'end':
      return ['k', 'end', 'e', JSON.stringify(entry.end)];
  }
}

/** The job an entry of a reply stream is about (its `j` field), or null. */
export function entryJob(fields: Buffer[]): string | null {
  for (let i = 0; i + 1 < fields.length; i += 2) if ((fields[i] as Buffer).toString() === 'j') return (fields[i + 1] as Buffer).toString();
  return null;
}

/** Reads an entry back from XREAD's flat [field, value, ...] list; null for one it does not know. */
export function decodeEntry(fields: Buffer[]): AttemptEntry | null {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set((fields[i] as Buffer).toString(), fields[i + 1] as Buffer);
  const kind = map.get('k')?.toString();
  if (kind === 'out') return { kind, data: map.get('d') ?? Buffer.alloc(0) };
  if (kind === 'start') return { kind, worker: map.get('w')?.toString() ?? '?', at: Number(map.get('at')?.toString() ?? 0) };
  if (kind === 'end') {
    try {
      return { kind, end: JSON.parse(map.get('e')?.toString() ?? '') as EndReport };
    } catch {
      return null;
    }
  }
  return null;
}

// The API's shapes the page reads (spec/http.md, SPEC.md "JSON shapes"): a subset, as sent.

export type RunStatus =
  | 'queued'
  | 'waiting'
  | 'awaiting_approval'
  | 'running'
  | 'retrying'
  | 'success'
  | 'failed'
  | 'timeout'
  | 'skipped'
  | 'interrupted'
  | 'cancelled';

export interface RunRow {
  run_id: string;
  task: string;
  attempt: number;
  trigger: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number | null;
  reason: string | null;
  worker?: string | null;
}

export interface TaskStatus {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  next_run: string | null;
  last_run: RunRow | null;
  health: { status: RunStatus; timestamp: string; exit_code: number | null } | null;
  paused: boolean;
  /** A watch task's folder and its files: waiting, running, and processed and failed since the daemon started. */
  watch?: { path: string; pending: number; running: number; processed: number; failed: number };
}

export interface Awaiting {
  run_id: string;
  task: string;
  since: string;
  message: string | null;
  expires_at: string | null;
}

export interface Status {
  daemon: { running: boolean; pid: number | null; since: string | null; version: string };
  tasks: TaskStatus[];
  awaiting_approval: Awaiting[];
  recent_results: RunRow[];
}

export interface Graph {
  nodes: { name: string; schedule: string | null; enabled: boolean; paused: boolean }[];
  edges: { from: string; to: string }[];
}

export interface RunDetail {
  run_id: string;
  task: string;
  status: RunStatus;
  trigger: string;
  reason: string | null;
  attempts: RunRow[];
}

/** The statuses of a run that has not ended: it can be cancelled. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

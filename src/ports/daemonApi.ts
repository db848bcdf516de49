// What the daemon offers an outside caller (the HTTP server today): reads of its live state,
// the operator actions, its run events and a run's log. The HTTP adapter maps this onto routes,
// status codes and bytes; the app implements it over the engine and the history.
import type { AuditRecord, RunRecord, RunState, RunStatus, Trigger } from '../core/types.js';
import type { HistoryQuery } from './runStore.js';

/** Why a request is refused; the HTTP adapter turns the code into a status (404, 409, 400). */
export class ApiRefusal extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'bad_request',
    message: string,
  ) {
    super(message);
    this.name = 'ApiRefusal';
  }
}

/** Who asks: `api:<token label>`, or the OS user a CLI command sent (source `cli`). */
export interface Caller {
  actor: string;
  source: 'api' | 'cli';
  /** The label of the token the request came with. */
  token: string;
}

export interface DaemonHealth {
  status: 'ok' | 'degraded';
  reason?: string;
  version: string;
  uptime_s: number;
  tasks: number;
  running: number;
  /** `single`, or in a standby cluster (settings.ha) `leader` or `standby` (a healthy standby is `ok`). */
  role: 'leader' | 'standby' | 'single';
  /** In a cluster: the node that holds the lease, when known. */
  leader?: string | null;
}

/** A standby's answer to a write: who to ask instead. */
export interface StandbyRefusal {
  message: string;
  leader: string | null;
  /** The leader's HTTP API, when it serves one. */
  leader_url: string | null;
}

export interface RunDetail {
  run_id: string;
  task: string;
  status: RunState;
  trigger: Trigger;
  reason: string | null;
  attempts: RunRecord[];
}

export interface StartedRun {
  /** The run asked for (with its upstream: the id it will run, or be skipped, under). */
  run_id: string | null;
  task: string;
  status: 'queued' | 'waiting' | 'skipped' | 'running' | 'awaiting_approval';
  /** Why it was skipped; for a run that did not start at once (queued), what it waits for. */
  reason?: string;
  /** A run with its upstream: the session whose `session` events tell which runs are its. */
  session?: string;
  tasks?: string[];
}

/** A decision taken: the run's state after it (queued or running when approved, skipped when rejected). */
export interface DecidedRun {
  run_id: string;
  task: string;
  decision: 'approved' | 'rejected';
  status: RunState;
}

/**
 * One event of the live stream (SSE): `run` on every state change of a run, `task` on a pause or
 * a resume, `session`, and `config` when a reload (SIGHUP) took a new config: tasks may have come,
 * gone or changed, so a reader refetches what it shows.
 */
export type ApiEvent =
  | { kind: 'run'; data: { type: string; run_id: string; task: string; attempt: number | null; status: RunStatus | RunState; [key: string]: unknown } }
  | { kind: 'task'; data: { task: string; paused: boolean; actor: string; at: string } }
  | { kind: 'config'; data: { type: 'config.reloaded'; tasks: number; at: string } }
  | { kind: 'session'; data: { type: 'session.run'; session: string; run_id: string; task: string } }
  | {
      kind: 'session';
      data: {
        type: 'session.ended';
        session: string;
        outcomes: { task: string; run_id: string | null; status: RunStatus; reason: string | null; exit_code: number | null }[];
      };
    };

/** Where a run's log goes: `write` resolves when the reader has taken the bytes (back-pressure). */
export interface LogSink {
  write(chunk: Buffer): Promise<void>;
  readonly closed: boolean;
}

export interface DaemonApi {
  health(): DaemonHealth;
  /** Null when this daemon takes writes (runs, pauses, cancels, decisions); a standby of a cluster says who does. */
  standby(): StandbyRefusal | null;
  /** What `status --json` prints, as compact JSON, in UTF-8. */
  statusBody(): Buffer;
  tasks(): unknown[];
  task(name: string): unknown;
  graph(): { nodes: { name: string; schedule: string | null; enabled: boolean; paused: boolean }[]; edges: { from: string; to: string }[] };
  runs(query: HistoryQuery): RunRecord[];
  run(runId: string): RunDetail;
  /** Streams the run's output; with `follow`, until the run ends or `signal` aborts. */
  streamLog(runId: string, follow: boolean, sink: LogSink, signal: AbortSignal): Promise<void>;
  /** Checks that the run exists (throws `not_found`) before a response starts. */
  checkRun(runId: string): void;
  /** `approved`: the caller approves the run as they ask for it (no approval gate; audited as their approval). */
  startRun(task: string, options: { withDeps: boolean; manual: boolean; approved?: boolean }, caller: Caller): StartedRun;
  pause(task: string, caller: Caller): { task: string; paused: true; since: string; by: string };
  resume(task: string, caller: Caller): { task: string; paused: false };
  cancel(runId: string, caller: Caller, interruptedBy: string | null): { run_id: string; task: string; state: RunState };
  decide(runId: string, decision: 'approve' | 'reject', comment: string | null, caller: Caller): DecidedRun;
  audit(query: { since?: number; limit: number }): AuditRecord[];
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** The daemon took a reloaded config (already in effect): a `config` event to the live stream. */
  reloaded(): void;
}

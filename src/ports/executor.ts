// Running one attempt of a task somewhere: the engine says what to run and where its output
// goes, and gets back how it ended. No pid, no process: a local process group is one adapter, a
// job on a worker machine another. Stopping is a StopSignal (an AbortSignal is one); timeouts and the SIGTERM ->
// SIGKILL escalation are the adapter's, so the engine never sees how a process is stopped.
import type { StopSignal } from '../core/stopSignal.js';
import type { Trigger } from '../core/types.js';

export interface AttemptSpec {
  run_id: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  command: string;
  /** Absolute working directory (resolved against the home by the engine). */
  cwd: string;
  /**
   * The attempt's own variables (the task's `env`, the CONDUCTOR_* ones), set on top of the
   * environment the command runs in by default: the conductor's for a local process, the
   * worker's for a job on a worker. Only these travel with each attempt.
   */
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs: number;
  /** Where stdout and stderr go: an fd open for appending on the task log, and a path to that same open file. */
  output: { fd: number; path: string };
  /** Aborted: stop the attempt (the group gets SIGTERM, then SIGKILL after killGraceMs). */
  signal: StopSignal;
  /** Aborted: SIGKILL now (an operator insisted). */
  killSignal?: StopSignal;
  /**
   * Aborted: take the attempt back if it has not started (a remote attempt no worker has taken
   * yet): it then ends with `notStarted`. One that started runs on. The conductor is stopping.
   */
  withdraw?: StopSignal;
  /** The queue a remote executor sends it to (`default` when the task names none). */
  queue?: string;
}

/** Said once the attempt is really running (its process exists, or a worker took it). */
export interface AttemptStarted {
  /** An opaque handle the same executor can later `recover` from (e.g. `local:PID:STARTTICKS`). */
  handle: string | null;
  /** Who runs it, for people: `pid 1234` or `worker gpu-1`. */
  label: string;
  /** The worker's name for a remote attempt, null for a local one. */
  worker: string | null;
}

export interface AttemptEnd {
  /** The process's exit code, or null when a signal ended it (or it never started). */
  exitCode: number | null;
  /** The name of the signal that ended it, e.g. `SIGTERM`. */
  signal: string | null;
  /** Set when the command could not be started at all. */
  startError: string | null;
  /** True when the adapter stopped it at its timeout. */
  timedOut: boolean;
  /** Set when the executor lost the attempt (its worker died): the reason, e.g. `worker w1 lost`. */
  lost: string | null;
  /** Processes of the attempt that escaped its process group and outlived it, described for the reason and log. */
  escaped: string | null;
  /** When the attempt ended (ms, the executor's clock), for an executor that reports an end later than that; absent: now. */
  endedAt?: number;
  /** True when nothing of the attempt ran: it was taken off the queue (or stopped) before a worker started it. */
  notStarted?: boolean;
}

/** A remote executor's view of its transport and its workers (status, /health). */
export interface ExecutorState {
  type: 'queue';
  /** False while the executor cannot reach its queue (attempts then wait as `queued`). */
  connected: boolean;
  /** Why it is not connected, for people; null when connected. */
  reason: string | null;
  workers: Array<{ name: string; queues: string[]; running: number; last_seen: string; alive: boolean }>;
}

export interface Executor {
  /** Runs one attempt to its end. Never rejects: every failure is an AttemptEnd. */
  run(spec: AttemptSpec, onStarted: (started: AttemptStarted) => void): Promise<AttemptEnd>;
  /**
   * Stops what an attempt left running when the conductor that started it died (a handle from
   * `onStarted`). Resolves with the exit code to record, or null when nothing of it was left.
   */
  recover(handle: string, killGraceMs: number): Promise<number | null>;
  /** True when attempts wait for a worker after dispatch (recorded `queued` until `onStarted`). */
  readonly remote: boolean;
  /**
   * What it started dies with this conductor, whatever ends it (the spawn helper): an attempt's
   * handle is then only recovery's second line, and may be written with the attempt's end.
   */
  readonly stopsWithConductor?: boolean;
  /** Releases what the executor holds (helper processes, connections). */
  close(): Promise<void>;
  /**
   * The handle an attempt has from the moment it is dispatched, for an executor that knows it
   * before the attempt starts (a remote job's id): lets a later conductor `recover` an attempt
   * its dead predecessor had sent out but that no worker had taken yet. Absent for local runs.
   */
  handleOf?(runId: string, attempt: number): string;
  /** A remote executor's connection and workers, as last seen (no I/O). Absent for local runs. */
  state?(): ExecutorState;
}

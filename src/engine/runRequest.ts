// What a source hands the engine when it asks for a run, and what it gets back.
import type { Trigger } from '../core/types.js';
import type { RunResult } from './runExecution.js';

/** What a trigger hands to its run, kept in the run's row so a resumed run still has it. */
export interface RunPayload {
  /** Environment added to the command's (CONDUCTOR_FILE, CONDUCTOR_PAYLOAD_FILE, ...). */
  env?: Record<string, string>;
  /** Fields added to every log line about the run (a watched file's correlation_id). */
  log?: Record<string, string>;
  [key: string]: unknown;
}

export interface RunRequest {
  task: string;
  trigger: Trigger;
  /** The fire instant this run is for, or null for runs with no fire. */
  fireAt?: number | null;
  /** For a scheduled fire: the instant it stops waiting on a dependency (the task's next fire). */
  deadline?: number | null;
  payload?: RunPayload | null;
  /** A run of a DAG session (`run --all`): told when the run ends, and queued in DAG order. */
  session?: RunObserver;
  /** The pool the run takes a slot of; default: the shared one of `max_concurrent_tasks`. */
  lane?: { name: string; limit: number };
  /** An operator approved it as they asked for it (`run --task X --approved`): no approval gate. */
  approved?: boolean;
  /** The run's id when the source needs it before asking (a watched file is claimed under it); default: a new one. */
  runId?: string;
  /** Asked for by a person though its trigger says otherwise (`run --task` of a watch task's files): a pause does not hold it. */
  byHand?: boolean;
}

/** Told when a run it asked for ends. */
export interface RunObserver {
  readonly startedAt: number;
  onRunEnded(result: RunResult): void;
}

export type RequestOutcome =
  | { run_id: string; status: 'queued' | 'waiting' | 'awaiting_approval' }
  | { run_id: string; status: 'skipped'; reason: string };

export type Decision = { ok: true } | { ok: false; code: 'not_found' | 'conflict'; message: string };

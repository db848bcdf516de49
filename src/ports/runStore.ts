// The history of runs: one row per attempt, one per skipped fire.
import type { RunRecord, RunStatus, Trigger } from '../core/types.js';

export interface AttemptStart {
  run_id: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  started_at: number;
  /** The fire instant this run is for (ms), or null for manual and once runs. */
  fire_at: number | null;
  pid: number | null;
  pid_start: number | null;
}

export interface AttemptFinish {
  status: RunStatus;
  finished_at: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
}

export interface SkipRecord {
  run_id: string;
  task: string;
  trigger: Trigger;
  at: number;
  fire_at: number | null;
  reason: string;
}

/** A row left `running`, with what is needed to stop its process safely. */
export interface OrphanAttempt {
  id: number;
  task: string;
  run_id: string;
  attempt: number;
  started_at: number;
  pid: number | null;
  pid_start: number | null;
  /** The conductor process that started the attempt. */
  owner_pid: number | null;
  owner_start: number | null;
}

export interface DaemonInfo {
  pid: number;
  since: number;
  version: string;
}

export interface RunStore {
  /** Records an attempt as running; returns the row id. */
  startAttempt(start: AttemptStart): number;
  /** Records the pid of an attempt once its process is started. */
  setAttemptPid(id: number, pid: number, pidStart: number | null): void;
  finishAttempt(id: number, finish: AttemptFinish): void;
  recordSkip(skip: SkipRecord): void;
  /** Newest first. */
  history(query: { task?: string; limit: number }): RunRecord[];
  /** The latest attempt of a task that was a real run (not a skipped fire), or null. */
  lastRun(task: string): RunRecord | null;
  /** The latest row of a task with this status, or null. */
  lastWithStatus(task: string, status: RunStatus): RunRecord | null;
  /** Rows of one run, by attempt. */
  runRows(runId: string): RunRecord[];
  /** Rows started at or after `since` (ms), oldest first. */
  since(since: number): RunRecord[];
  /** Rows still `running` (the caller decides which are orphans: their owner is gone). */
  orphans(): OrphanAttempt[];
  /** Marks a row left running as interrupted. */
  markInterrupted(id: number, at: number, exitCode: number | null, reason: string): void;
  /** Deletes rows started before `before` (ms); returns how many. */
  prune(before: number): number;
  /** The persisted watermark of a task: the last fire instant dealt with (ms). */
  getWatermark(task: string): number | null;
  setWatermark(task: string, fireAt: number): void;
  /** Runs `fn` in one transaction: one commit for many writes (a burst of fires). */
  batch<T>(fn: () => T): T;
  /** Records the daemon that now owns this home (for `status`). */
  setDaemonInfo(info: DaemonInfo | null): void;
  getDaemonInfo(): DaemonInfo | null;
  close(): void;
}

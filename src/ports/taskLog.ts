// Where a task's output goes: one file per task, a header line per attempt, size-rotated. One
// writer at a time (the store's claim says who): a run that overlaps another run of the same
// task writes its own file, appended whole under its header to the task's log once it has ended
// and the log is free, so no run's output is ever mixed with another's.
export interface AttemptHeader {
  task: string;
  run_id: string;
  attempt: number;
  trigger: string;
  at: number;
}

/** Where one attempt's output goes. */
export interface AttemptLog {
  fd: number;
  /** The file `fd` is open on: the task's log, or the attempt's own file while another run writes the task's log. */
  path: string;
  /** True when it writes the task's log itself. */
  direct: boolean;
  /** Set when the output cannot be kept (the file system is full): why; the attempt runs anyway. */
  lost?: string;
  /**
   * With a deferred header (an attempt queued for a worker): writes it, with the instant the
   * attempt really started. An attempt that never starts leaves no header behind.
   */
  writeHeader?: (at: number) => void;
}

export interface TaskLog {
  /**
   * Writes the header and returns an fd open for appending: on the task's log (rotated first if
   * needed) when `direct` (the caller holds the log), else on the attempt's own file. With
   * `deferHeader`, the header waits for the returned log's `writeHeader`.
   */
  openAttempt(header: AttemptHeader, direct: boolean, deferHeader?: boolean): AttemptLog;
  /** Closes the attempt's output; its own file is then finished, waiting to be appended. */
  close(log: AttemptLog): void;
  /** Appends a line of the conductor's own to the attempt's output (why its command could not start). */
  note?(log: AttemptLog, line: string): void;
  /**
   * When an attempt's output was last written (ms): its own file's mtime, or the task's log's when
   * it wrote there and no other attempt's header came after it; null when not known. Asked for the
   * attempts of a conductor that died (before finishLeftover), as a sign of when they ended.
   */
  lastWrite(task: string, runId: string, attempt: number): number | null;
  /** An attempt's own file left open by a conductor that died is finished as it stands; true if there was one. */
  finishLeftover(task: string, runId: string, attempt: number): boolean;
  /** True when finished files of other runs wait to be appended to the task's log. */
  hasFinished(task: string): boolean;
  /** Appends every finished file whole to the task's log (the caller holds the log), oldest first; how many. */
  appendFinished(task: string): Promise<number>;
  /** The path of a task's current log file. */
  path(task: string): string;
}

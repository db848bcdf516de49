// Where a task's output goes: one file per task, a header line per attempt, size-rotated.
export interface AttemptHeader {
  task: string;
  run_id: string;
  attempt: number;
  trigger: string;
  at: number;
}

export interface TaskLog {
  /** Rotates if needed, writes the header line, and returns an fd open for appending. */
  openAttempt(header: AttemptHeader): number;
  close(fd: number): void;
  /** The path of a task's current log file. */
  path(task: string): string;
}

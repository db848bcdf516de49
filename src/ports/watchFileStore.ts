// The files of watch tasks, in the history database: one row per file a task has seen ready,
// known by name (bytes), size and mtime, so that each gets exactly one run across restarts. It
// shares the run store's connection, so a file's claim and its run's row are one commit.

/** A file as a watch task knows it: the same name with another size or mtime is another file. */
export interface WatchFileKey {
  name: Buffer;
  size: number;
  mtimeNs: bigint;
}

export type WatchFileState = 'pending' | 'running' | 'done' | 'failed' | 'gone';

export interface WatchFileRow extends WatchFileKey {
  id: number;
  task: string;
  state: WatchFileState;
  run_id: string | null;
  seen_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** The file was moved (or left in place) and its status file written. */
  settled: boolean;
  moved_to: Buffer | null;
  reason: string | null;
}

export interface SeenFolder {
  path: string;
  dir: string;
}

export interface WatchCounts {
  /** Ready and waiting for a worker. */
  pending: number;
  running: number;
  /** Ended since `since`: succeeded, and failed for good. */
  processed: number;
  failed: number;
}

export interface WatchFileStore {
  /**
   * Records files that are ready. Returns the rows that became pending by this call (new files,
   * or files that had gone and are back); a file known in any other state is left as it is.
   */
  addPending(task: string, files: readonly WatchFileKey[], at: number): WatchFileRow[];
  find(task: string, key: WatchFileKey): WatchFileRow | null;
  /** Pending rows with an id above `afterId`, oldest first. */
  pendingAfter(task: string, afterId: number, limit: number): WatchFileRow[];
  /** Rows a restart must look at: running ones, and ended ones not settled. */
  unfinished(task: string): WatchFileRow[];
  /** pending -> running for this run; false when the row was not pending (another process took it). */
  claim(id: number, runId: string, at: number): boolean;
  /** The run ended: done, failed, or back to pending (stopped by a shutdown). */
  finish(id: number, state: 'done' | 'failed' | 'pending', at: number, reason: string | null): void;
  /** Deleted or replaced before its run started. */
  markGone(id: number, at: number, reason: string): void;
  /**
   * The file stays in place and its own run changed it (wrote to it): it is known from now on by
   * its size and mtime as they are (a file of that identity already known keeps its row).
   */
  restamp(id: number, key: Pick<WatchFileKey, 'size' | 'mtimeNs'>): void;
  /** The file was moved (or stays: null) and its status file written; `reason` when it could not be moved. */
  settle(id: number, movedTo: Buffer | null, reason: string | null): void;
  counts(task: string, since: number): WatchCounts;
  /** Adds to the reason of a run (its run row and its last history row): a file that could not be moved. */
  appendRunReason(runId: string, text: string): void;
  /** The folder the task's files were last seen in (its `watch.path` as written, and resolved), or null. */
  folderOf(task: string): SeenFolder | null;
  setFolder(task: string, folder: SeenFolder): void;
  /** Deletes rows of files that ended before `before` and were moved away (or had gone); returns how many. */
  prune(before: number): number;
}

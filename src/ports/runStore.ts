// The history: a row per run (`runs`: one request of a task, from the moment it is asked for)
// and a row per attempt (`attempts`: what `history` lists; a run that never got an attempt, such
// as a skipped fire or a run still queued, shows as one row there too).
import type { AuditAction, AuditRecord, AuditSource, RunRecord, RunState, RunStatus, Trigger } from '../core/types.js';
import type { WatchFileStore } from './watchFileStore.js';

/** Who asked for a run: the daemon resumes its own open runs after a restart, never a foreground command's. */
export type RunSource = 'daemon' | 'foreground';

export interface NewRun {
  run_id: string;
  task: string;
  trigger: Trigger;
  /** `running`: it starts at once (its first attempt row comes with it); else it waits, with a history row saying so. */
  state: Extract<RunState, 'queued' | 'waiting' | 'awaiting_approval' | 'running'>;
  source: RunSource;
  requested_at: number;
  fire_at: number | null;
  /** Give up waiting at this instant (a scheduled fire waiting on a dependency: the task's next fire). */
  deadline: number | null;
  /** What the trigger hands to the run (a watched file, a webhook delivery), as JSON. */
  payload: string | null;
  /** Why it waits, for people (`waiting for dependency scan`). */
  reason: string | null;
}

/** An accepted webhook delivery: GitHub redelivers, and the same id must never run twice. */
export interface WebhookDelivery {
  task: string;
  delivery: string;
  run_id: string;
  at: number;
}

export interface RunStateDetails {
  reason?: string | null;
  attempts?: number;
  finished_at?: number | null;
  deadline?: number | null;
}

/** A run as stored. */
export interface StoredRun extends Omit<NewRun, 'state'> {
  state: RunState;
  attempts: number;
  finished_at: number | null;
  owner_pid: number | null;
  owner_start: number | null;
}

export interface AttemptStart {
  run_id: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  started_at: number;
  /** The fire instant this run is for (ms), or null for runs with no fire. */
  fire_at: number | null;
  /** `running` for a local attempt; `queued` while a remote one waits for a worker. */
  status: 'running' | 'queued';
}

export interface AttemptFinish {
  status: RunStatus;
  finished_at: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  /**
   * The start notice of a `running` row not written yet (a lazy one, see startedRows): its
   * process handle and worker, written by the same statement as the end.
   */
  started?: { handle: string | null; worker: string | null };
}

export interface SkipRecord {
  /** `failed`: a request refused before its command could start (a watched file that is not valid JSON); default skipped. */
  status?: 'skipped' | 'failed';
  run_id: string;
  task: string;
  trigger: Trigger;
  source: RunSource;
  at: number;
  fire_at: number | null;
  reason: string;
}

/** An attempt row left `running` or `queued`, with what is needed to stop what it left behind. */
/** An attempt row as stored (times in ms). */
export interface StoredAttempt {
  id: number;
  attempt: number;
  status: RunStatus;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
}

export interface OrphanAttempt {
  id: number;
  task: string;
  run_id: string;
  attempt: number;
  status: RunStatus;
  started_at: number;
  /** The executor's handle of the attempt (e.g. `local:PID:STARTTICKS`), or null if it never started. */
  handle: string | null;
  /** The conductor process that started the attempt. */
  owner_pid: number | null;
  owner_start: number | null;
}

export interface DaemonInfo {
  pid: number;
  since: number;
  version: string;
  /** With settings.ha: `leader` or `standby` (kept up to date by the daemon); else `single` or absent. */
  role?: 'leader' | 'standby' | 'single' | null;
  /** With settings.ha: the node that holds the lease, as this daemon last heard. */
  leader?: string | null;
  /** With settings.ha: why the daemon cannot reach the cluster's Redis, or null when it can. */
  cluster_trouble?: string | null;
}

/** An operator action to record (times in ms). */
export interface AuditEntry {
  at: number;
  actor: string;
  source: AuditSource;
  action: AuditAction;
  task: string | null;
  run_id: string | null;
  detail: string | null;
}

/**
 * A page of history: attempts newest first, filtered; `before` (ms) keeps rows started strictly
 * earlier. A page never splits the rows that started in one millisecond: it is the first `limit`
 * rows and the rest of the last one's millisecond, so `before` = its last row's start pages
 * through every row exactly once (a page has fewer than `limit` rows only at the end).
 */
export interface HistoryQuery {
  task?: string;
  status?: RunStatus;
  trigger?: Trigger;
  before?: number;
  limit: number;
}

export interface RunStore {
  /** The files of watch tasks, on the same database (one commit with the runs). */
  readonly watchFiles: WatchFileStore;
  /**
   * Records a new run. One that waits (queued, waiting, awaiting approval) also gets its first
   * history row, whose id is returned; one that starts at once gets it with its first attempt (null).
   */
  createRun(run: NewRun): number | null;
  /**
   * Moves a run along its life; `finished_at` once it ended. `deadline` (given: set, null clears
   * it) is, for a run `retrying`, when its next attempt is due if the next daemon is to resume it.
   */
  setRunState(runId: string, state: RunState, details?: RunStateDetails): void;
  getRun(runId: string): StoredRun | null;
  /** The id of a run's first history row while it has not started (queued, waiting, awaiting approval), or null. */
  firstRowOf(runId: string): number | null;
  /** This process takes over an open run an earlier process left (its rows now name this owner). */
  adoptRun(runId: string): void;
  /** Runs not ended (queued, waiting, awaiting approval, running, retrying), oldest first. */
  openRuns(): StoredRun[];
  /** Records an attempt (a retry, or a run that started without queueing); returns the row id. */
  startAttempt(start: AttemptStart): number;
  /** A run's first row (awaiting approval, or waiting) is now `queued`, with why it still waits. */
  markQueued(id: number, reason: string | null): void;
  /** Runs started since `since` (ms) and the seconds of runtime of their attempts, running ones up to `now`. */
  usageSince(task: string, since: number, now: number): { runs: number; runtimeSeconds: number };
  /** A queued row goes: it is now attempt 1, running (or queued at a remote executor) since `at`. */
  dispatchAttempt(id: number, at: number, status: 'running' | 'queued'): void;
  /** The executor says the attempt really runs: its handle, and the worker for a remote one. */
  attemptStarted(id: number, handle: string | null, worker: string | null, at: number): void;
  finishAttempt(id: number, finish: AttemptFinish): void;
  /** Removes an attempt row still `queued` (it never ran: a retry taken back from the queue, sent again by the next start). */
  discardAttempt(id: number): void;
  /** A fire or request that will not run: its run row and history row, `skipped` (or `failed`), in one go. */
  recordSkip(skip: SkipRecord): void;
  /** Newest first. */
  history(query: { task?: string; limit: number }): RunRecord[];
  /** Newest first, filtered and paged (the API's runs list); see HistoryQuery. */
  historyPage(query: HistoryQuery): RunRecord[];
  /** The latest attempt of a task that was a real run (not skipped, queued or awaiting approval), or null. */
  lastRun(task: string): RunRecord | null;
  /** `lastRun` of each of these tasks (absent: never ran); with `before` (ms), among runs started strictly earlier. */
  lastRuns(tasks: readonly string[], before?: number): Map<string, RunRecord>;
  /** A number that changes when another connection (another process) committed to the history. */
  dataVersion(): number;
  /** The latest row of a task with this status, or null. */
  lastWithStatus(task: string, status: RunStatus): RunRecord | null;
  /** Rows of one run, by attempt. */
  runRows(runId: string): RunRecord[];
  /** A run's latest attempt row, as stored (times in ms), or null when it has none. */
  lastAttempt(runId: string): StoredAttempt | null;
  /** Rows started at or after `since` (ms), oldest first. */
  since(since: number): RunRecord[];
  /** Attempt rows still `running` or `queued` (the caller decides which are orphans: their owner is gone). */
  orphans(): OrphanAttempt[];
  /** Ends an attempt row left behind (and, if it was its run's last word, the run) as interrupted. */
  markInterrupted(id: number, at: number, exitCode: number | null, reason: string): void;
  /** Paused tasks, with when and by whom. */
  pausedTasks(): Map<string, { at: number; actor: string }>;
  /** Pauses (`pause` given) or resumes a task; false when it was already so. */
  setPaused(task: string, pause: { at: number; actor: string } | null): boolean;
  recordAudit(entry: AuditEntry): void;
  /** Audit rows at or after `since` (ms), newest first. */
  audit(query: { since?: number; limit: number }): AuditRecord[];
  /** Deletes rows started before `before` (ms), audit rows too; returns how many history rows. */
  prune(before: number): number;
  /** The run a webhook delivery (GitHub's X-GitHub-Delivery id) of `task` started, or null when it is new. */
  deliveryRun(task: string, delivery: string): string | null;
  /** Remembers an accepted delivery and its run (in the `batch` that asks for the run); pruned with history. */
  recordDelivery(delivery: WebhookDelivery): void;
  /** The persisted watermark of a task: the last fire instant dealt with (ms). */
  getWatermark(task: string): number | null;
  setWatermark(task: string, fireAt: number): void;
  /**
   * An open run (queued, running or retrying) of `task` that another live process owns (the
   * daemon, another foreground run), or null: `forbid` holds across processes. Call it inside the
   * `batch` that writes the new run, so two processes cannot both find none.
   */
  otherLiveRun(task: string): StoredRun | null;
  /**
   * Takes the right to write `task`'s log file for `token` (one holder per task, across
   * processes; a dead process's hold is taken over). False when another holder has it. In a batch.
   */
  claimTaskLog(task: string, token: string, at: number): boolean;
  /** Gives the right back (only `token`'s). */
  releaseTaskLog(task: string, token: string): void;
  /** Runs `fn` in one transaction: one commit for many writes (a burst of fires). */
  batch<T>(fn: () => T): T;
  /** Records the daemon that now owns this home (for `status`). */
  setDaemonInfo(info: DaemonInfo | null): void;
  getDaemonInfo(): DaemonInfo | null;
  /**
   * A file-backed store whose file was removed or replaced while open makes it right (writes its
   * open copy back, or goes on with the new file) and says what it did; null when all was well.
   */
  heal?(): string | null;
  close(): void;
}

// The run history in SQLite (WAL, busy timeout), behind the RunStore port. Statements are
// prepared once per store; every write is one short transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditRecord, RunRecord, RunState, RunStatus, Trigger } from '../../core/types.js';
import type {
  AttemptFinish,
  AttemptStart,
  AuditEntry,
  DaemonInfo,
  HistoryQuery,
  NewRun,
  OrphanAttempt,
  RunStateDetails,
  RunStore,
  SkipRecord,
  StoredAttempt,
  StoredRun,
  WebhookDelivery,
} from '../../ports/runStore.js';
import type { WatchFileStore } from '../../ports/watchFileStore.js';
import { isLiveProcess, processStartTicks } from '../process/procfs.js';
import { databaseError, namingFileInErrors } from './databaseError.js';
import { migrate } from './migrations.js';
import { healingStore, type CopyableStore } from './healingStore.js';
import { openForReading } from './openForReading.js';
import { OperatorTables } from './operatorTables.js';
import { seenRow } from './seenRow.js';
import { createWatchFileStore } from './sqliteWatchFileStore.js';
import { WalCheckpointer } from './walCheckpointer.js';
import { WebhookDeliveries } from './webhookDeliveries.js';
import { preparedWhenUsed } from './preparedWhenUsed.js';
import { makeDirs } from '../makeDirs.js';

interface Row {
  run_id: string;
  task: string;
  attempt: number;
  trigger: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number | null;
  reason: string | null;
  worker: string | null;
  owner_pid: number | null;
  owner_start: number | null;
}

const COLUMNS =
  'run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason, worker, owner_pid, owner_start';

/**
 * A row read in raw mode (values in COLUMNS order) as a Row. For the statements that return a
 * thousand rows at once: better-sqlite3 builds each row object key by key, ~3x the cost of this
 * literal (status at 1,000 tasks: ~4 ms of its lastRuns).
 */
function rowOf(v: unknown[]): Row {
  return {
    run_id: v[0], task: v[1], attempt: v[2], trigger: v[3], status: v[4], started_at: v[5], finished_at: v[6],
    exit_code: v[7], signal: v[8], duration_ms: v[9], reason: v[10], worker: v[11], owner_pid: v[12], owner_start: v[13],
  } as Row;
}

export function toRecord(row: Row): RunRecord {
  return seenRow({
    run_id: row.run_id,
    task: row.task,
    attempt: row.attempt,
    trigger: row.trigger as Trigger,
    status: row.status as RunStatus,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    exit_code: row.exit_code,
    signal: row.signal,
    duration_ms: row.duration_ms,
    reason: row.reason,
    worker: row.worker ?? null,
  }, row);
}

export interface OpenOptions {
  /**
   * Writers (daemon, run) pass true: the file is created and migrated. Readers (status,
   * history, reports) pass false: nothing is ever written or created (openForReading), a
   * missing or empty database reads as empty, and a read-only file system is fine.
   */
  create: boolean;
  /** With `create: false`: read a private copy in memory (the file cannot be opened in place: a full disk). */
  copy?: boolean;
}

/** Opens the history database at `file`; every SQLite error, on open or on any query later, names the file. */
export function openRunStore(file: string, options: OpenOptions = { create: true }): RunStore {
  if (options.create && file !== ':memory:') return healingStore(() => openOnce(file, options) as CopyableStore, file);
  return openOnce(file, options);
}

function openOnce(file: string, options: OpenOptions): RunStore {
  let db: Database.Database | undefined;
  try {
    const writing = file === ':memory:' || options.create;
    db = writing ? openForWriting(file) : openForReading(file, { copy: options.copy });
    return namingFileInErrors(new SqliteRunStore(db, writing && file !== ':memory:' ? new WalCheckpointer(file) : null), file);
  } catch (error) {
    if (db?.open) db.close();
    throw databaseError(file, error);
  }
}

function openForWriting(file: string): Database.Database {
  if (file !== ':memory:') makeDirs(path.dirname(file));
  const db = new Database(file, { timeout: 10_000 });
  try {
    if (file !== ':memory:') {
      walMode(db);
      db.pragma('synchronous = NORMAL');
      // The WAL is checkpointed on a worker thread (WalCheckpointer) every few hundred commits,
      // but a checkpoint that runs beside the writer never catches up with it, and only one that
      // does lets the next commit start the WAL over. So this connection still checkpoints when
      // the WAL reaches 8,000 pages (~32 MB): by then the worker has copied and synced nearly
      // all of it, and the stall on the event loop is the last few frames' (~20 ms instead of
      // 150-350 ms for 16,000 pages; SQLite's default of 1,000 pages made a burst of 1,000
      // watched files take 4.06-4.09 s at 4,000 pages against 3.46-3.65 s at 16,000). SQLite
      // also checkpoints when the last connection closes.
      db.pragma('wal_autocheckpoint = 8000');
    }
    db.pragma('busy_timeout = 10000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Turns a history into WAL mode. On a new file two processes can race for it (two `run --task` at
 * the same instant on a fresh home), and SQLite answers the loser SQLITE_BUSY at once, without its
 * busy handler: tried again for up to 10 s, as any other locked statement waits.
 */
function walMode(db: Database.Database): void {
  const until = Date.now() + 10_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** From this many tasks asked at once, lastRuns first reads the newest rows (newestRunsOf). */
const NEWEST_FIRST_FROM = 64;
/** newestRunsOf stops after a stretch of this many rows in which fewer than 1 in 32 was a task's last run. */
const NEWEST_STRETCH = 256;

/** History rows that are not real runs: `lastRun` passes over them. */
const NOT_A_RUN = "'skipped', 'queued', 'awaiting_approval'";
const OPEN_STATES = "'queued', 'waiting', 'awaiting_approval', 'running', 'retrying'";
const RUN_COLUMNS =
  'run_id, task, trigger, state, source, requested_at, fire_at, deadline, payload, reason, attempts, finished_at, owner_pid, owner_start';

class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly statements;
  private deferred: ((read: () => unknown) => unknown) | null = null;
  private readonly operators: OperatorTables;
  readonly watchFiles: WatchFileStore;
  private readonly deliveries: WebhookDeliveries;

  /** This process, recorded on every run and attempt it starts, so a later one can tell whose rows are orphans. */
  private readonly owner = { owner_pid: process.pid, owner_start: processStartTicks(process.pid) };

  /**
   * Runs a function in one IMMEDIATE transaction. Made once: `db.transaction()` builds four
   * wrapper functions and their properties at every call (~23 us, four times per watched file).
   */
  private readonly immediate: (fn: () => unknown) => unknown;

  constructor(
    db: Database.Database,
    private readonly checkpointer: WalCheckpointer | null = null,
  ) {
    this.db = db;
    this.immediate = db.transaction((fn: () => unknown) => fn()).immediate;
    this.operators = new OperatorTables(db, COLUMNS, toRecord as (row: never) => RunRecord);
    this.watchFiles = createWatchFileStore(db);
    this.deliveries = new WebhookDeliveries(db);
    this.statements = preparedWhenUsed({
      createRun: () => db.prepare(
        `INSERT INTO runs (run_id, task, trigger, state, source, requested_at, fire_at, deadline, payload, reason, owner_pid, owner_start)
         VALUES (@run_id, @task, @trigger, @state, @source, @requested_at, @fire_at, @deadline, @payload, @reason, @owner_pid, @owner_start)`,
      ),
      firstRow: () => db.prepare(
        `INSERT INTO attempts (run_id, task, attempt, trigger, status, started_at, fire_at, reason, owner_pid, owner_start)
         VALUES (@run_id, @task, 1, @trigger, @status, @requested_at, @fire_at, @reason, @owner_pid, @owner_start)`,
      ),
      setRunState: () => db.prepare(
        `UPDATE runs SET state = @state,
           reason = CASE WHEN @set_reason THEN @reason ELSE reason END,
           attempts = coalesce(@attempts, attempts),
           finished_at = coalesce(@finished_at, finished_at),
           deadline = CASE WHEN @set_deadline THEN @deadline ELSE deadline END
         WHERE run_id = @run_id`,
      ),
      getRun: () => db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`),
      firstRowOf: () => db.prepare(
        `SELECT id FROM attempts WHERE run_id = ? AND attempt = 1 AND status IN ('queued', 'awaiting_approval') ORDER BY id LIMIT 1`,
      ),
      // This home's own runs: a run another node of a cluster asked for is that node's to resume.
      openRuns: () => db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE state IN (${OPEN_STATES}) AND node IS NULL ORDER BY requested_at, run_id`),
      start: () => db.prepare(
        `INSERT INTO attempts (run_id, task, attempt, trigger, status, started_at, fire_at, owner_pid, owner_start)
         VALUES (@run_id, @task, @attempt, @trigger, @status, @started_at, @fire_at, @owner_pid, @owner_start)`,
      ),
      dispatch: () => db.prepare(
        'UPDATE attempts SET status = @status, started_at = @at, reason = NULL, owner_pid = @owner_pid, owner_start = @owner_start WHERE id = @id',
      ),
      markQueued: () => db.prepare(`UPDATE attempts SET status = 'queued', reason = ? WHERE id = ?`),
      // A cancelled attempt that never started (no process, handle or worker) is not a run used.
      usage: () => db.prepare(
        `SELECT count(DISTINCT run_id) AS runs, coalesce(sum(coalesce(duration_ms, MAX(0, @now - started_at))), 0) AS ms
         FROM attempts WHERE task = @task AND started_at >= @since AND status NOT IN (${NOT_A_RUN})
           AND NOT (status = 'cancelled' AND pid IS NULL AND handle IS NULL AND worker IS NULL)`,
      ),
      adoptRun: () => db.prepare('UPDATE runs SET owner_pid = @owner_pid, owner_start = @owner_start WHERE run_id = @run_id'),
      // An attempt written running (a local one) learns only its process: no indexed column is
      // set, so none of the six indexes of attempts is rewritten (~90 us a start at 1,000 tasks).
      startedRunning: () => db.prepare(`UPDATE attempts SET handle = ?, worker = ? WHERE id = ? AND status = 'running'`),
      started: () => db.prepare(
        `UPDATE attempts SET status = 'running', handle = ?, worker = ?,
           started_at = CASE WHEN status = 'queued' THEN ? ELSE started_at END
         WHERE id = ?`,
      ),
      // A row that ends before it ever ran (still queued or awaiting approval: cancelled, skipped)
      // took no time, as a skipped fire's row: its wait is not its duration, nor runtime for a budget.
      finish: () => db.prepare(
        `UPDATE attempts SET status = @status, finished_at = @finished_at, exit_code = @exit_code, signal = @signal,
           duration_ms = CASE WHEN status IN ('queued', 'awaiting_approval') THEN 0 ELSE MAX(0, @finished_at - started_at) END,
           reason = @reason
         WHERE id = @id`,
      ),
      // The same, with the start notice it had not had yet (a running row: it took its time).
      finishStarted: () => db.prepare(
        `UPDATE attempts SET status = @status, finished_at = @finished_at, exit_code = @exit_code, signal = @signal,
           duration_ms = MAX(0, @finished_at - started_at), reason = @reason, handle = @handle, worker = @worker
         WHERE id = @id`,
      ),
      discard: () => db.prepare(`DELETE FROM attempts WHERE id = ? AND status = 'queued'`),
      skipRun: () => db.prepare(
        `INSERT INTO runs (run_id, task, trigger, state, source, requested_at, fire_at, reason, finished_at, owner_pid, owner_start)
         VALUES (@run_id, @task, @trigger, @status, @source, @at, @fire_at, @reason, @at, @owner_pid, @owner_start)`,
      ),
      skip: () => db.prepare(
        `INSERT INTO attempts (run_id, task, attempt, trigger, status, started_at, finished_at, duration_ms, reason, fire_at)
         VALUES (@run_id, @task, 1, @trigger, @status, @at, @at, 0, @reason, @fire_at)`,
      ),
      historyAll: () => db.prepare(`SELECT ${COLUMNS} FROM attempts ORDER BY started_at DESC, id DESC LIMIT ?`),
      historyTask: () => db.prepare(`SELECT ${COLUMNS} FROM attempts WHERE task = ? ORDER BY started_at DESC, id DESC LIMIT ?`),
      lastRun: () => db.prepare(
        `SELECT ${COLUMNS} FROM attempts WHERE task = ? AND status NOT IN (${NOT_A_RUN}) ORDER BY started_at DESC, id DESC LIMIT 1`,
      ),
      // The newest real runs of all tasks, newest first (through attempts_by_time): lastRuns
      // reads it until it has met every task it was asked for, or it stops finding new ones.
      newestRuns: () => db.prepare(
        `SELECT ${COLUMNS} FROM attempts WHERE status NOT IN (${NOT_A_RUN}) ORDER BY started_at DESC, id DESC LIMIT ?`,
      ).raw(true),
      // Every named task's last run in one statement (status asks for a thousand at once).
      lastRuns: () => db.prepare(
        `SELECT ${COLUMNS.split(', ').map((column) => `a.${column}`).join(', ')} FROM json_each(?) AS t
         JOIN attempts a ON a.id = (SELECT id FROM attempts WHERE task = t.value AND status NOT IN (${NOT_A_RUN}) ORDER BY started_at DESC, id DESC LIMIT 1)
         ORDER BY t.key`,
      ).raw(true),
      lastRunsBefore: () => db.prepare(
        `SELECT ${COLUMNS.split(', ').map((column) => `a.${column}`).join(', ')} FROM json_each(?) AS t
         JOIN attempts a ON a.id = (SELECT id FROM attempts WHERE task = t.value AND status NOT IN (${NOT_A_RUN}) AND started_at < ? ORDER BY started_at DESC, id DESC LIMIT 1)
         ORDER BY t.key`,
      ).raw(true),
      lastWithStatus: () => db.prepare(
        `SELECT ${COLUMNS} FROM attempts WHERE task = ? AND status = ? ORDER BY started_at DESC, id DESC LIMIT 1`,
      ),
      runRows: () => db.prepare(`SELECT ${COLUMNS} FROM attempts WHERE run_id = ? ORDER BY attempt, id`),
      lastAttempt: () => db.prepare(
        'SELECT id, attempt, status, finished_at, exit_code, signal, reason FROM attempts WHERE run_id = ? ORDER BY attempt DESC, id DESC LIMIT 1',
      ),
      since: () => db.prepare(`SELECT ${COLUMNS} FROM attempts WHERE started_at >= ? ORDER BY started_at, id`),
      // Running attempts, and attempts sent to a remote executor that no worker had taken yet
      // (a queued row of a run that is itself running or retrying; a queued row of a queued run
      // only waits for a slot, and is resumed). Only this home's own: a row copied from another
      // node of a cluster is that node's to recover.
      // The first term is attempts_open's own WHERE, word for word: SQLite then reads that
      // partial index instead of every row (a million rows: ~340 ms at every run and start).
      orphans: () => db.prepare(
        `SELECT id, task, run_id, attempt, status, started_at, handle, owner_pid, owner_start
         FROM attempts a WHERE status IN ('running', 'queued', 'awaiting_approval')
           AND (status = 'running'
             OR (status = 'queued' AND EXISTS (SELECT 1 FROM runs r WHERE r.run_id = a.run_id AND r.state IN ('running', 'retrying'))))
           AND node IS NULL
         ORDER BY id`,
      ),
      interrupt: () => db.prepare(
        `UPDATE attempts SET status = 'interrupted', finished_at = @at, exit_code = @exit_code, reason = @reason,
           duration_ms = MAX(0, @at - started_at) WHERE id = @id AND status IN ('running', 'queued')`,
      ),
      interruptRun: () => db.prepare(
        `UPDATE runs SET state = 'interrupted', finished_at = @at, reason = @reason
         WHERE run_id = (SELECT run_id FROM attempts WHERE id = @id) AND state IN ('running', 'retrying')`,
      ),
      prune: () => db.prepare(`DELETE FROM attempts WHERE started_at < ? AND status NOT IN ('running', 'queued', 'awaiting_approval')`),
      pruneRuns: () => db.prepare(`DELETE FROM runs WHERE requested_at < ? AND state NOT IN (${OPEN_STATES})`),
      getWatermark: () => db.prepare('SELECT fire_at FROM watermarks WHERE task = ?'),
      setWatermark: () => db.prepare(
        `INSERT INTO watermarks (task, fire_at) VALUES (?, ?)
         ON CONFLICT (task) DO UPDATE SET fire_at = MAX(fire_at, excluded.fire_at)`,
      ),
      setDaemon: () => db.prepare(
        `INSERT INTO daemon (id, pid, since, version, role, leader, cluster_trouble) VALUES (1, @pid, @since, @version, @role, @leader, NULL)
         ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, since = excluded.since, version = excluded.version,
           role = excluded.role, leader = excluded.leader, cluster_trouble = NULL`,
      ),
      clearDaemon: () => db.prepare('DELETE FROM daemon'),
      getDaemon: () => db.prepare('SELECT pid, since, version, role, leader, cluster_trouble FROM daemon WHERE id = 1'),
      // Through the small partial index of open runs, never the index of all the task's runs (millions for a busy task):
      // left to itself the planner takes runs_by_task for its order, so INDEXED BY; runs_open
      // (state, task) finds the few open ones in five seeks.
      openRunsOfTask: () => db.prepare(`SELECT ${RUN_COLUMNS} FROM runs INDEXED BY runs_open WHERE state IN (${OPEN_STATES}) AND task = ? ORDER BY requested_at`),
      logHolder: () => db.prepare('SELECT token, owner_pid, owner_start FROM task_log_holders WHERE task = ?'),
      holdLog: () => db.prepare(
        `INSERT INTO task_log_holders (task, token, owner_pid, owner_start, since) VALUES (@task, @token, @owner_pid, @owner_start, @at)
         ON CONFLICT (task) DO UPDATE SET token = excluded.token, owner_pid = excluded.owner_pid, owner_start = excluded.owner_start, since = excluded.since`,
      ),
      releaseLog: () => db.prepare('DELETE FROM task_log_holders WHERE task = ? AND token = ? AND owner_pid = ?'),
    });
  }

  createRun(run: NewRun): number | null {
    const row = { ...run, ...this.owner };
    this.statements.createRun.run(row);
    if (run.state === 'running') return null;
    const status = run.state === 'awaiting_approval' ? 'awaiting_approval' : 'queued';
    return Number(this.statements.firstRow.run({ ...row, status }).lastInsertRowid);
  }

  setRunState(runId: string, state: RunState, details: RunStateDetails = {}): void {
    this.statements.setRunState.run({
      run_id: runId,
      state,
      set_reason: details.reason === undefined ? 0 : 1,
      reason: details.reason ?? null,
      attempts: details.attempts ?? null,
      finished_at: details.finished_at ?? null,
      set_deadline: details.deadline === undefined ? 0 : 1,
      deadline: details.deadline ?? null,
    });
  }

  getRun(runId: string): StoredRun | null {
    return (this.statements.getRun.get(runId) as StoredRun | undefined) ?? null;
  }

  firstRowOf(runId: string): number | null {
    const row = this.statements.firstRowOf.get(runId) as { id: number } | undefined;
    return row ? row.id : null;
  }

  openRuns(): StoredRun[] {
    return this.statements.openRuns.all() as StoredRun[];
  }

  startAttempt(start: AttemptStart): number {
    return Number(this.statements.start.run({ ...start, ...this.owner }).lastInsertRowid);
  }

  dispatchAttempt(id: number, at: number, status: 'running' | 'queued'): void {
    this.statements.dispatch.run({ id, at, status, ...this.owner });
  }

  markQueued(id: number, reason: string | null): void {
    this.statements.markQueued.run(reason, id);
  }

  usageSince(task: string, since: number, now: number): { runs: number; runtimeSeconds: number } {
    const row = this.statements.usage.get({ task, since, now }) as { runs: number; ms: number };
    return { runs: row.runs, runtimeSeconds: row.ms / 1000 };
  }

  adoptRun(runId: string): void {
    this.statements.adoptRun.run({ run_id: runId, ...this.owner });
  }

  attemptStarted(id: number, handle: string | null, worker: string | null, at: number): void {
    if (this.statements.startedRunning.run(handle, worker, id).changes === 1) return;
    this.statements.started.run(handle, worker, at, id);
  }

  finishAttempt(id: number, finish: AttemptFinish): void {
    const { started, ...end } = finish;
    if (started) this.statements.finishStarted.run({ id, ...end, ...started });
    else this.statements.finish.run({ id, ...end });
  }

  discardAttempt(id: number): void {
    this.statements.discard.run(id);
  }
  recordSkip(skip: SkipRecord): void {
    this.batch(() => {
      const row = { ...skip, status: skip.status ?? 'skipped' };
      this.statements.skipRun.run({ ...row, ...this.owner });
      this.statements.skip.run(row);
    });
  }

  history(query: { task?: string; limit: number }): RunRecord[] {
    const rows = (
      query.task === undefined
        ? this.statements.historyAll.all(query.limit)
        : this.statements.historyTask.all(query.task, query.limit)
    ) as Row[];
    return rows.map(toRecord);
  }

  historyPage(query: HistoryQuery): RunRecord[] {
    return this.operators.historyPage(query);
  }

  pausedTasks(): Map<string, { at: number; actor: string }> {
    return this.operators.pausedTasks();
  }

  setPaused(task: string, pause: { at: number; actor: string } | null): boolean {
    return this.operators.setPaused(task, pause);
  }

  recordAudit(entry: AuditEntry): void {
    this.operators.recordAudit(entry);
  }

  audit(query: { since?: number; limit: number }): AuditRecord[] {
    return this.operators.audit(query);
  }

  lastRun(task: string): RunRecord | null {
    const row = this.statements.lastRun.get(task) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  lastRuns(tasks: readonly string[], before?: number): Map<string, RunRecord> {
    // Both reads in one transaction: one snapshot of the history, as the single statement was.
    const newest = this.readTogether(() => {
      const met = before === undefined && tasks.length >= NEWEST_FIRST_FROM ? this.newestRunsOf(tasks) : new Map<string, unknown[]>();
      const rest = met.size === 0 ? tasks : tasks.filter((task) => !met.has(task));
      if (rest.length > 0) {
        const rows = before === undefined ? this.statements.lastRuns.all(JSON.stringify(rest)) : this.statements.lastRunsBefore.all(JSON.stringify(rest), before);
        for (const values of rows as unknown[][]) met.set(values[1] as string, values);
      }
      return met;
    });
    const found = new Map<string, RunRecord>();
    for (const task of tasks) {
      const values = newest.get(task);
      if (values) found.set(task, toRecord(rowOf(values)));
    }
    return found;
  }

  /**
   * The last runs of as many of `tasks` as the newest rows of the history hold, read newest first:
   * the first row of a task met that way is its last run. With a thousand tasks that ran lately
   * this reads a few dozen pages where a search per task reads a page or two each (status: ~32 ->
   * ~13 ms on a new connection, each page read being a first touch of SQLite's cache). It stops
   * once a stretch of rows brings few tasks it had not met (the rest ran long ago, or never, or a
   * few tasks fill the newest rows): those are searched one by one, as before.
   */
  private newestRunsOf(tasks: readonly string[]): Map<string, unknown[]> {
    const wanted = new Set(tasks);
    const met = new Map<string, unknown[]>();
    let read = 0;
    let metInStretch = 0;
    for (const values of this.statements.newestRuns.iterate(tasks.length * 4) as IterableIterator<unknown[]>) {
      const task = values[1] as string;
      if (wanted.has(task) && !met.has(task)) {
        met.set(task, values);
        metInStretch++;
        if (met.size === wanted.size) break;
      }
      if (++read % NEWEST_STRETCH === 0) {
        if (metInStretch < NEWEST_STRETCH / 32) break;
        metInStretch = 0;
      }
    }
    return met;
  }

  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  lastWithStatus(task: string, status: RunStatus): RunRecord | null {
    const row = this.statements.lastWithStatus.get(task, status) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  runRows(runId: string): RunRecord[] {
    return (this.statements.runRows.all(runId) as Row[]).map(toRecord);
  }

  lastAttempt(runId: string): StoredAttempt | null {
    return (this.statements.lastAttempt.get(runId) as StoredAttempt | undefined) ?? null;
  }

  since(since: number): RunRecord[] {
    return (this.statements.since.all(since) as Row[]).map(toRecord);
  }

  orphans(): OrphanAttempt[] {
    return this.statements.orphans.all() as OrphanAttempt[];
  }

  markInterrupted(id: number, at: number, exitCode: number | null, reason: string): void {
    this.batch(() => {
      this.statements.interruptRun.run({ id, at, reason });
      this.statements.interrupt.run({ id, at, exit_code: exitCode, reason });
    });
  }

  prune(before: number): number {
    return this.batch(() => {
      this.watchFiles.prune(before);
      this.deliveries.prune(before);
      this.statements.pruneRuns.run(before);
      this.operators.pruneAudit(before);
      return this.statements.prune.run(before).changes;
    });
  }

  deliveryRun(task: string, delivery: string): string | null {
    return this.deliveries.runOf(task, delivery);
  }

  recordDelivery(delivery: WebhookDelivery): void {
    this.deliveries.record(delivery);
  }

  getWatermark(task: string): number | null {
    const row = this.statements.getWatermark.get(task) as { fire_at: number } | undefined;
    return row ? row.fire_at : null;
  }

  setWatermark(task: string, fireAt: number): void {
    this.statements.setWatermark.run(task, fireAt);
  }

  otherLiveRun(task: string): StoredRun | null {
    const runs = (this.statements.openRunsOfTask.all(task) as StoredRun[]).filter((r) => r.state === 'queued' || r.state === 'running' || r.state === 'retrying');
    const mine = (r: StoredRun) => r.owner_pid === this.owner.owner_pid && r.owner_start === this.owner.owner_start;
    return runs.find((r) => !mine(r) && r.owner_pid !== null && isLiveProcess(r.owner_pid, r.owner_start)) ?? null;
  }

  claimTaskLog(task: string, token: string, at: number): boolean {
    return this.batch(() => {
      const holder = this.statements.logHolder.get(task) as { token: string; owner_pid: number; owner_start: number | null } | undefined;
      if (holder) {
        const ours = holder.owner_pid === this.owner.owner_pid && holder.owner_start === this.owner.owner_start;
        if (ours ? holder.token !== token : isLiveProcess(holder.owner_pid, holder.owner_start)) return false;
      }
      this.statements.holdLog.run({ task, token, at, ...this.owner });
      return true;
    });
  }

  releaseTaskLog(task: string, token: string): void {
    this.statements.releaseLog.run(task, token, this.owner.owner_pid);
  }

  /** One IMMEDIATE transaction: the write lock is taken at BEGIN, so what `fn` reads stays true until it commits. */
  /** `fn`'s reads in one deferred transaction (one snapshot of a WAL history), or in the caller's. */
  private readTogether<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.deferred ??= this.db.transaction((read: () => unknown) => read());
    return this.deferred(fn) as T;
  }

  batch<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const result = this.immediate(fn) as T;
    this.checkpointer?.committed();
    return result;
  }

  setDaemonInfo(info: DaemonInfo | null): void {
    if (info) this.statements.setDaemon.run({ role: null, leader: null, ...info });
    else this.statements.clearDaemon.run();
  }

  getDaemonInfo(): DaemonInfo | null {
    return (this.statements.getDaemon.get() as DaemonInfo | undefined) ?? null;
  }

  copyTo(target: string): void {
    this.db.prepare('VACUUM INTO ?').run(target);
  }

  close(): void {
    this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}

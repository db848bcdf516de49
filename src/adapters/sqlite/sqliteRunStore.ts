// The run history in SQLite (WAL, busy timeout), behind the RunStore port. Statements are
// prepared once per store; every write is one short transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunRecord, RunStatus, Trigger } from '../../core/types.js';
import type {
  AttemptFinish,
  AttemptStart,
  DaemonInfo,
  OrphanAttempt,
  RunStore,
  SkipRecord,
} from '../../ports/runStore.js';
import { processStartTicks } from '../process/procfs.js';
import { databaseError, namingFileInErrors } from './databaseError.js';
import { migrate } from './migrations.js';
import { openForReading } from './openForReading.js';

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
}

const COLUMNS = 'run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason';

export function toRecord(row: Row): RunRecord {
  return {
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
  };
}

export interface OpenOptions {
  /**
   * Writers (daemon, run) pass true: the file is created and migrated. Readers (status,
   * history, reports) pass false: nothing is ever written or created (openForReading), a
   * missing or empty database reads as empty, and a read-only file system is fine.
   */
  create: boolean;
}

/** Opens the history database at `file`; every SQLite error, on open or on any query later, names the file. */
export function openRunStore(file: string, options: OpenOptions = { create: true }): RunStore {
  let db: Database.Database | undefined;
  try {
    db = file === ':memory:' || options.create ? openForWriting(file) : openForReading(file);
    return namingFileInErrors(new SqliteRunStore(db), file);
  } catch (error) {
    if (db?.open) db.close();
    throw databaseError(file, error);
  }
}

function openForWriting(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  try {
    if (file !== ':memory:') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Checkpoint (and fsync) every ~16 MB of WAL rather than every ~4 MB: a run writes three
      // small commits, and each checkpoint's fsync stalls them. SQLite also checkpoints when
      // the last connection closes.
      db.pragma('wal_autocheckpoint = 4000');
    }
    db.pragma('busy_timeout = 10000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly statements;

  /** This process, recorded on every attempt it starts, so a later daemon can tell whose rows are orphans. */
  private readonly owner = { owner_pid: process.pid, owner_start: processStartTicks(process.pid) };

  constructor(db: Database.Database) {
    this.db = db;
    this.statements = {
      start: db.prepare(
        `INSERT INTO runs (run_id, task, attempt, trigger, status, started_at, fire_at, pid, pid_start, owner_pid, owner_start)
         VALUES (@run_id, @task, @attempt, @trigger, 'running', @started_at, @fire_at, @pid, @pid_start, @owner_pid, @owner_start)`,
      ),
      setPid: db.prepare('UPDATE runs SET pid = ?, pid_start = ? WHERE id = ?'),
      finish: db.prepare(
        `UPDATE runs SET status = @status, finished_at = @finished_at, exit_code = @exit_code, signal = @signal,
           duration_ms = MAX(0, @finished_at - started_at), reason = @reason
         WHERE id = @id`,
      ),
      skip: db.prepare(
        `INSERT INTO runs (run_id, task, attempt, trigger, status, started_at, finished_at, duration_ms, reason, fire_at)
         VALUES (@run_id, @task, 1, @trigger, 'skipped', @at, @at, 0, @reason, @fire_at)`,
      ),
      historyAll: db.prepare(`SELECT ${COLUMNS} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`),
      historyTask: db.prepare(`SELECT ${COLUMNS} FROM runs WHERE task = ? ORDER BY started_at DESC, id DESC LIMIT ?`),
      lastRun: db.prepare(
        `SELECT ${COLUMNS} FROM runs WHERE task = ? AND status != 'skipped' ORDER BY started_at DESC, id DESC LIMIT 1`,
      ),
      lastWithStatus: db.prepare(
        `SELECT ${COLUMNS} FROM runs WHERE task = ? AND status = ? ORDER BY started_at DESC, id DESC LIMIT 1`,
      ),
      runRows: db.prepare(`SELECT ${COLUMNS} FROM runs WHERE run_id = ? ORDER BY attempt, id`),
      since: db.prepare(`SELECT ${COLUMNS} FROM runs WHERE started_at >= ? ORDER BY started_at, id`),
      orphans: db.prepare(
        `SELECT id, task, run_id, attempt, started_at, pid, pid_start, owner_pid, owner_start
         FROM runs WHERE status = 'running' ORDER BY id`,
      ),
      interrupt: db.prepare(
        `UPDATE runs SET status = 'interrupted', finished_at = @at, exit_code = @exit_code, reason = @reason,
           duration_ms = MAX(0, @at - started_at) WHERE id = @id AND status = 'running'`,
      ),
      prune: db.prepare(`DELETE FROM runs WHERE started_at < ? AND status != 'running'`),
      getWatermark: db.prepare('SELECT fire_at FROM watermarks WHERE task = ?'),
      setWatermark: db.prepare(
        `INSERT INTO watermarks (task, fire_at) VALUES (?, ?)
         ON CONFLICT (task) DO UPDATE SET fire_at = MAX(fire_at, excluded.fire_at)`,
      ),
      setDaemon: db.prepare(
        `INSERT INTO daemon (id, pid, since, version) VALUES (1, @pid, @since, @version)
         ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, since = excluded.since, version = excluded.version`,
      ),
      clearDaemon: db.prepare('DELETE FROM daemon'),
      getDaemon: db.prepare('SELECT pid, since, version FROM daemon WHERE id = 1'),
    };
  }

  startAttempt(start: AttemptStart): number {
    return Number(this.statements.start.run({ ...start, ...this.owner }).lastInsertRowid);
  }

  setAttemptPid(id: number, pid: number, pidStart: number | null): void {
    this.statements.setPid.run(pid, pidStart, id);
  }

  finishAttempt(id: number, finish: AttemptFinish): void {
    this.statements.finish.run({ id, ...finish });
  }

  recordSkip(skip: SkipRecord): void {
    this.statements.skip.run(skip);
  }

  history(query: { task?: string; limit: number }): RunRecord[] {
    const rows = (
      query.task === undefined
        ? this.statements.historyAll.all(query.limit)
        : this.statements.historyTask.all(query.task, query.limit)
    ) as Row[];
    return rows.map(toRecord);
  }

  lastRun(task: string): RunRecord | null {
    const row = this.statements.lastRun.get(task) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  lastWithStatus(task: string, status: RunStatus): RunRecord | null {
    const row = this.statements.lastWithStatus.get(task, status) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  runRows(runId: string): RunRecord[] {
    return (this.statements.runRows.all(runId) as Row[]).map(toRecord);
  }

  since(since: number): RunRecord[] {
    return (this.statements.since.all(since) as Row[]).map(toRecord);
  }

  orphans(): OrphanAttempt[] {
    return this.statements.orphans.all() as OrphanAttempt[];
  }

  markInterrupted(id: number, at: number, exitCode: number | null, reason: string): void {
    this.statements.interrupt.run({ id, at, exit_code: exitCode, reason });
  }

  prune(before: number): number {
    return this.statements.prune.run(before).changes;
  }

  getWatermark(task: string): number | null {
    const row = this.statements.getWatermark.get(task) as { fire_at: number } | undefined;
    return row ? row.fire_at : null;
  }

  setWatermark(task: string, fireAt: number): void {
    this.statements.setWatermark.run(task, fireAt);
  }

  batch<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  setDaemonInfo(info: DaemonInfo | null): void {
    if (info) this.statements.setDaemon.run(info);
    else this.statements.clearDaemon.run();
  }

  getDaemonInfo(): DaemonInfo | null {
    return (this.statements.getDaemon.get() as DaemonInfo | undefined) ?? null;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

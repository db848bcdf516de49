// The history database's schema, as numbered, append-only migrations (PRAGMA user_version).
import type BetterSqlite3 from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 1: one row per attempt or skipped fire; times are ms since the epoch.
  `
  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT    NOT NULL,
    task        TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    trigger     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    exit_code   INTEGER,
    signal      TEXT,
    duration_ms INTEGER,
    reason      TEXT,
    fire_at     INTEGER,
    pid         INTEGER,
    pid_start   INTEGER,
    owner_pid   INTEGER,
    owner_start INTEGER
  );
  CREATE INDEX runs_by_task    ON runs (task, started_at DESC, id DESC);
  CREATE INDEX runs_by_time    ON runs (started_at DESC, id DESC);
  CREATE INDEX runs_by_run_id  ON runs (run_id, attempt);
  CREATE INDEX runs_running    ON runs (status) WHERE status = 'running';
  CREATE TABLE watermarks (
    task    TEXT PRIMARY KEY,
    fire_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE daemon (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    pid     INTEGER NOT NULL,
    since   INTEGER NOT NULL,
    version TEXT    NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to the latest schema; each step in its own transaction. */
export function migrate(db: BetterSqlite3.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the history database has schema version ${current}, newer than this conductor knows (${MIGRATIONS.length}); upgrade symphony-conductor`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

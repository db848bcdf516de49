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
  // 2: runs are rows. The history table of attempts becomes `attempts`; a run (one request of a
  // task: a fire, a dependency trigger, a run by hand) is a row in `runs` from the moment it is
  // asked for, so a queued or waiting run survives a restart. Existing history is kept: one run
  // row per run id, its state the status of its last attempt.
  `
  ALTER TABLE runs RENAME TO attempts;
  DROP INDEX runs_by_task;
  DROP INDEX runs_by_time;
  DROP INDEX runs_by_run_id;
  DROP INDEX runs_running;
  ALTER TABLE attempts ADD COLUMN handle TEXT;
  ALTER TABLE attempts ADD COLUMN worker TEXT;
  UPDATE attempts SET handle = 'local:' || pid || ':' || coalesce(pid_start, '') WHERE pid IS NOT NULL AND status = 'running';
  CREATE INDEX attempts_by_task   ON attempts (task, started_at DESC, id DESC);
  CREATE INDEX attempts_by_time   ON attempts (started_at DESC, id DESC);
  CREATE INDEX attempts_by_run_id ON attempts (run_id, attempt);
  CREATE INDEX attempts_open      ON attempts (status) WHERE status IN ('running', 'queued', 'awaiting_approval');
  CREATE TABLE runs (
    run_id       TEXT    PRIMARY KEY,
    task         TEXT    NOT NULL,
    trigger      TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    fire_at      INTEGER,
    deadline     INTEGER,
    payload      TEXT,
    reason       TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    finished_at  INTEGER,
    owner_pid    INTEGER,
    owner_start  INTEGER
  ) WITHOUT ROWID;
  INSERT INTO runs (run_id, task, trigger, state, source, requested_at, fire_at, reason, attempts, finished_at, owner_pid, owner_start)
    SELECT a.run_id, a.task, a.trigger, a.status,
           CASE WHEN a.trigger IN ('manual', 'once') THEN 'foreground' ELSE 'daemon' END,
           (SELECT MIN(b.started_at) FROM attempts b WHERE b.run_id = a.run_id),
           a.fire_at, a.reason, CASE WHEN a.status = 'skipped' THEN 0 ELSE a.attempt END, a.finished_at, a.owner_pid, a.owner_start
    FROM attempts a
    WHERE a.id = (SELECT MAX(c.id) FROM attempts c WHERE c.run_id = a.run_id);
  CREATE INDEX runs_open ON runs (state) WHERE state IN ('queued', 'waiting', 'awaiting_approval', 'running', 'retrying');
  CREATE INDEX runs_by_task ON runs (task, requested_at DESC);
  CREATE INDEX runs_by_requested ON runs (requested_at);
  `,
  // 3: operators' controls. A paused task (its fires are recorded skipped until it is resumed;
  // it survives restarts), and the audit log: one row per operator action (run by hand, pause,
  // resume, cancel, reload, approve, reject), kept as long as history.
  `
  CREATE TABLE paused (
    task  TEXT    PRIMARY KEY,
    at    INTEGER NOT NULL,
    actor TEXT    NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    source TEXT    NOT NULL,
    action TEXT    NOT NULL,
    task   TEXT,
    run_id TEXT,
    detail TEXT
  );
  CREATE INDEX audit_by_time ON audit (at DESC, id DESC);
  `,
  // 4: who writes a task's log file right now (a running attempt, or a process appending the
  // output of runs that overlapped it); at most one per task, across processes.
  `
  CREATE TABLE task_log_holders (
    task        TEXT    PRIMARY KEY,
    token       TEXT    NOT NULL,
    owner_pid   INTEGER NOT NULL,
    owner_start INTEGER,
    since       INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: the files of watch tasks (spec/triggers.md), one row per file a task has seen ready, known
  // by its name (bytes: a BLOB), size and mtime, so each gets exactly one run across restarts.
  // state: pending (ready, waiting for a worker), running (its run is run_id), done / failed
  // (the run ended), gone (deleted or replaced before its run started). settled: the file was
  // moved (moved_to) or left, and its status file written.
  `
  CREATE TABLE watch_files (
    id          INTEGER PRIMARY KEY,
    task        TEXT    NOT NULL,
    name        BLOB    NOT NULL,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    run_id      TEXT,
    seen_at     INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    settled     INTEGER NOT NULL DEFAULT 0,
    moved_to    BLOB,
    reason      TEXT
  );
  CREATE UNIQUE INDEX watch_files_key ON watch_files (task, name, size, mtime_ns);
  CREATE INDEX watch_files_by_state ON watch_files (task, state, id);
  CREATE INDEX watch_files_finished ON watch_files (task, finished_at) WHERE state IN ('done', 'failed');
  CREATE INDEX watch_files_run ON watch_files (run_id) WHERE run_id IS NOT NULL;
  `,
  // 6: webhook deliveries (spec/triggers.md): GitHub's X-Github-Delivery id of each accepted
  // delivery and the run it started, so a redelivery answers that run and never starts a second,
  // across restarts; pruned with history.
  `
  CREATE TABLE webhook_deliveries (
    task     TEXT    NOT NULL,
    delivery TEXT    NOT NULL,
    run_id   TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (task, delivery)
  ) WITHOUT ROWID;
  CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (at);
  `,
  // 7: a standby cluster (settings.ha). Rows another node wrote, copied here from the cluster's
  // history stream, name that node (`node`; NULL: this home's own). Every change of an own row is
  // noted in `ha_outbox` by a trigger, while `ha_state.publish` is on, whoever writes it (the
  // daemon, a foreground run, recovery), so the daemon publishes it even after a crash;
  // `ha_state.stream_id` is the last stream entry this home applied. The daemon row says its role.
  `
  ALTER TABLE attempts ADD COLUMN node TEXT;
  ALTER TABLE runs ADD COLUMN node TEXT;
  ALTER TABLE daemon ADD COLUMN role TEXT;
  ALTER TABLE daemon ADD COLUMN leader TEXT;
  CREATE TABLE ha_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    publish   INTEGER NOT NULL DEFAULT 0,
    stream_id TEXT
  );
  INSERT INTO ha_state (id) VALUES (1);
  CREATE TABLE ha_outbox (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    kind   TEXT NOT NULL DEFAULT 'own'
  );
  CREATE TRIGGER ha_attempt_added AFTER INSERT ON attempts
    WHEN NEW.node IS NULL AND (SELECT publish FROM ha_state WHERE id = 1) = 1
    BEGIN INSERT INTO ha_outbox (run_id) VALUES (NEW.run_id); END;
  CREATE TRIGGER ha_attempt_changed AFTER UPDATE ON attempts
    WHEN NEW.node IS NULL AND (SELECT publish FROM ha_state WHERE id = 1) = 1
    BEGIN INSERT INTO ha_outbox (run_id) VALUES (NEW.run_id); END;
  CREATE TRIGGER ha_run_added AFTER INSERT ON runs
    WHEN NEW.node IS NULL AND (SELECT publish FROM ha_state WHERE id = 1) = 1
    BEGIN INSERT INTO ha_outbox (run_id) VALUES (NEW.run_id); END;
  CREATE TRIGGER ha_run_changed AFTER UPDATE ON runs
    WHEN NEW.node IS NULL AND (SELECT publish FROM ha_state WHERE id = 1) = 1
    BEGIN INSERT INTO ha_outbox (run_id) VALUES (NEW.run_id); END;
  `,
  // 8: every start asks whether another process runs the task (one task's open runs): the
  // open-runs index names the task, so that is a few index seeks instead of a look at the row of
  // every open run (run --all of 1,000 tasks holds 1,000 open runs: 0.14 ms a start, 141 ms in all).
  `
  DROP INDEX runs_open;
  CREATE INDEX runs_open ON runs (state, task) WHERE state IN ('queued', 'waiting', 'awaiting_approval', 'running', 'retrying');
  `,
  // 9: a cluster node says why it cannot reach the cluster's Redis (NULL: it can), so that `status`
  // read cold says so as GET /health does.
  `
  ALTER TABLE daemon ADD COLUMN cluster_trouble TEXT;
  `,
  // 10: the API's runs page filtered by a status or a trigger that is rare in the history (the
  // dashboard's filters) walked attempts_by_time until it had a page: ~0.7-1.4 s on the event
  // loop at 1M rows for status=cancelled. Partial indexes, so that the rows of an ordinary run
  // never enter them: an attempt that succeeds (or is still running or queued) is not in the
  // status index, one of `run --all` or set off by its dependency is not in the trigger index.
  // A query uses one only when its WHERE repeats the index's own term (INDEXED_STATUSES below).
  `
  CREATE INDEX attempts_by_status ON attempts (status, started_at DESC, id DESC)
    WHERE status IN ('failed', 'timeout', 'skipped', 'interrupted', 'cancelled');
  CREATE INDEX attempts_by_trigger ON attempts (trigger, started_at DESC, id DESC)
    WHERE trigger NOT IN ('once', 'dependency');
  `,
  // 11: the folder each watch task's files were seen in, so that a start whose config moved the
  // folder while no daemon ran leaves the old folder's waiting files there, said so, instead of
  // recording them "deleted" (a reload already knew the old folder).
  `
  CREATE TABLE watch_folders (
    task TEXT PRIMARY KEY,
    dir  TEXT NOT NULL,
    path TEXT NOT NULL
  );
  `,
];

/** The statuses in the attempts_by_status index, as its WHERE names them (a query repeats that term to use it). */
export const INDEXED_STATUSES = "status IN ('failed', 'timeout', 'skipped', 'interrupted', 'cancelled')";
/** The statuses in the attempts_open index, as its WHERE names them. */
export const OPEN_ATTEMPT_STATUSES = "status IN ('running', 'queued', 'awaiting_approval')";
/** The triggers in the attempts_by_trigger index, as its WHERE names them. */
export const INDEXED_TRIGGERS = "trigger NOT IN ('once', 'dependency')";

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to the latest schema; each step in its own transaction. */
export function migrate(db: BetterSqlite3.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the history database has schema version ${current}, newer than this conductor knows (${MIGRATIONS.length}); upgrade symphony-conductor`,
    );
  }
  // The version is read again inside each write transaction: two processes opening a new history
  // at the same instant must not both run a step.
  const step = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version] as string);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (current < MIGRATIONS.length && step.immediate());
}

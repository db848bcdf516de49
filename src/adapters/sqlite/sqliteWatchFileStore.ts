// The files of watch tasks in SQLite (table watch_files, migration 5), on the run store's own
// connection so that claiming a file and recording its run are one transaction. Names are BLOBs
// (exact bytes); mtimes are nanoseconds, read back as BigInt.
import type Database from 'better-sqlite3';
import type { WatchCounts, WatchFileKey, WatchFileRow, WatchFileState, WatchFileStore, SeenFolder } from '../../ports/watchFileStore.js';
import { preparedWhenUsed } from './preparedWhenUsed.js';

interface RawRow {
  id: bigint;
  task: string;
  name: Buffer;
  size: bigint;
  mtime_ns: bigint;
  state: string;
  run_id: string | null;
  seen_at: bigint;
  started_at: bigint | null;
  finished_at: bigint | null;
  settled: bigint;
  moved_to: Buffer | null;
  reason: string | null;
}

const COLUMNS = 'id, task, name, size, mtime_ns, state, run_id, seen_at, started_at, finished_at, settled, moved_to, reason';
const num = (value: bigint | null) => (value === null ? null : Number(value));

function toRow(raw: RawRow): WatchFileRow {
  return {
    id: Number(raw.id),
    task: raw.task,
    name: raw.name,
    size: Number(raw.size),
    mtimeNs: raw.mtime_ns,
    state: raw.state as WatchFileState,
    run_id: raw.run_id,
    seen_at: Number(raw.seen_at),
    started_at: num(raw.started_at),
    finished_at: num(raw.finished_at),
    settled: raw.settled !== 0n,
    moved_to: raw.moved_to,
    reason: raw.reason,
  };
}

export function createWatchFileStore(db: Database.Database): WatchFileStore {
  const reading = (sql: string) => db.prepare(sql).safeIntegers(true);
  const s = preparedWhenUsed({
    insert: () => reading(
      `INSERT INTO watch_files (task, name, size, mtime_ns, state, seen_at) VALUES (@task, @name, @size, @mtime, 'pending', @at)
       ON CONFLICT (task, name, size, mtime_ns) DO UPDATE SET state = 'pending', seen_at = excluded.seen_at, run_id = NULL,
         started_at = NULL, finished_at = NULL, settled = 0, moved_to = NULL, reason = NULL
       WHERE watch_files.state = 'gone'
       RETURNING ${COLUMNS}`,
    ),
    find: () => reading(`SELECT ${COLUMNS} FROM watch_files WHERE task = @task AND name = @name AND size = @size AND mtime_ns = @mtime`),
    pendingAfter: () => reading(`SELECT ${COLUMNS} FROM watch_files WHERE task = ? AND state = 'pending' AND id > ? ORDER BY id LIMIT ?`),
    unfinished: () => reading(
      `SELECT ${COLUMNS} FROM watch_files WHERE task = ? AND (state = 'running' OR (state IN ('done', 'failed') AND settled = 0)) ORDER BY id`,
    ),
    claim: () => db.prepare(`UPDATE watch_files SET state = 'running', run_id = ?, started_at = ? WHERE id = ? AND state = 'pending'`),
    finish: () => db.prepare(`UPDATE watch_files SET state = @state, finished_at = @at, reason = @reason, settled = 0 WHERE id = @id`),
    gone: () => db.prepare(`UPDATE watch_files SET state = 'gone', finished_at = ?, reason = ?, settled = 1 WHERE id = ?`),
    restamp: () => db.prepare('UPDATE OR IGNORE watch_files SET size = ?, mtime_ns = ? WHERE id = ?'),
    settle: () => db.prepare(`UPDATE watch_files SET settled = 1, moved_to = ?, reason = coalesce(?, reason) WHERE id = ?`),
    countOpen: () => db.prepare(`SELECT state, count(*) AS n FROM watch_files WHERE task = ? AND state IN ('pending', 'running') GROUP BY state`),
    countEnded: () => db.prepare(
      `SELECT state, count(*) AS n FROM watch_files WHERE task = ? AND state IN ('done', 'failed') AND finished_at >= ? GROUP BY state`,
    ),
    reasonRun: () => db.prepare(`UPDATE runs SET reason = CASE WHEN reason IS NULL OR reason = '' THEN @text ELSE reason || '; ' || @text END WHERE run_id = @run_id`),
    reasonAttempt: () => db.prepare(
      `UPDATE attempts SET reason = CASE WHEN reason IS NULL OR reason = '' THEN @text ELSE reason || '; ' || @text END
       WHERE id = (SELECT id FROM attempts WHERE run_id = @run_id ORDER BY attempt DESC, id DESC LIMIT 1)`,
    ),
    folderOf: () => db.prepare('SELECT path, dir FROM watch_folders WHERE task = ?'),
    setFolder: () => db.prepare(
      'INSERT INTO watch_folders (task, dir, path) VALUES (@task, @dir, @path) ON CONFLICT (task) DO UPDATE SET dir = excluded.dir, path = excluded.path',
    ),
    prune: () => db.prepare(
      `DELETE FROM watch_files WHERE finished_at < ? AND settled = 1 AND (state = 'gone' OR (state IN ('done', 'failed') AND moved_to IS NOT NULL))`,
    ),
  });
  const keyParams = (task: string, key: WatchFileKey) => ({ task, name: key.name, size: key.size, mtime: key.mtimeNs });

  return {
    addPending(task, files, at) {
      const added: WatchFileRow[] = [];
      const run = () => {
        for (const file of files) {
          const raw = s.insert.get({ ...keyParams(task, file), at }) as RawRow | undefined;
          if (raw) added.push(toRow(raw));
        }
      };
      if (db.inTransaction) run();
      else db.transaction(run)();
      return added;
    },
    find(task, key) {
      const raw = s.find.get(keyParams(task, key)) as RawRow | undefined;
      return raw ? toRow(raw) : null;
    },
    pendingAfter(task, afterId, limit) {
      return (s.pendingAfter.all(task, afterId, limit) as RawRow[]).map(toRow);
    },
    unfinished(task) {
      return (s.unfinished.all(task) as RawRow[]).map(toRow);
    },
    claim(id, runId, at) {
      return s.claim.run(runId, at, id).changes === 1;
    },
    finish(id, state, at, reason) {
      s.finish.run({ id, state, at, reason });
    },
    markGone(id, at, reason) {
      s.gone.run(at, reason, id);
    },
    restamp(id, key) {
      s.restamp.run(key.size, key.mtimeNs, id);
    },
    settle(id, movedTo, reason) {
      s.settle.run(movedTo, reason, id);
    },
    counts(task, since): WatchCounts {
      const counts: WatchCounts = { pending: 0, running: 0, processed: 0, failed: 0 };
      for (const row of s.countOpen.all(task) as { state: string; n: number }[]) {
        if (row.state === 'pending') counts.pending = row.n;
        else counts.running = row.n;
      }
      for (const row of s.countEnded.all(task, since) as { state: string; n: number }[]) {
        if (row.state === 'done') counts.processed = row.n;
        else counts.failed = row.n;
      }
      return counts;
    },
    appendRunReason(runId, text) {
      s.reasonRun.run({ run_id: runId, text });
      s.reasonAttempt.run({ run_id: runId, text });
    },
    folderOf(task) {
      return (s.folderOf.get(task) as SeenFolder | undefined) ?? null;
    },
    setFolder(task, folder) {
      s.setFolder.run({ task, dir: folder.dir, path: folder.path });
    },
    prune(before) {
      return s.prune.run(before).changes;
    },
  };
}

// The history questions answered in SQL rather than by loading rows: the `report` counts per
// task and run outcome, the median attempt duration per task, and the latest failed runs. SQLite
// groups and sorts (spilling to temp files, not to memory), so memory stays flat whatever the
// history's size; every query of this kind lives here, and the table is named once.
import { historyExists, openForReading } from './openForReading.js';

/** The history table: one row per attempt or skipped fire. */
export const HISTORY_TABLE = 'attempts';

/** Rows of one task with one status, split by whether each is the last attempt of its run in the period. */
export interface StatusCount {
  task: string;
  status: string;
  /** The last attempt of its run among the period's rows (a skipped fire is never one). */
  last: boolean;
  rows: number;
  /** The longest duration among these rows when they are finished attempts, else null. */
  maxDurationMs: number | null;
}

export interface TaskMedian {
  task: string;
  /** Finished attempts with a duration. */
  finished: number;
  /** Nearest-rank median of their durations. */
  p50DurationMs: number;
}

/** A run whose last attempt in the period failed or timed out. */
export interface FailedRun {
  task: string;
  run_id: string;
  status: 'failed' | 'timeout';
  /** Start of its last attempt (ms). */
  startedAt: number;
  /** Its attempts in the period. */
  attempts: number;
  attempt: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
}

export interface PeriodHistory {
  counts: StatusCount[];
  medians: TaskMedian[];
  /** The latest `failureLimit` failed runs, newest first. */
  latestFailures: FailedRun[];
}

export interface PeriodQuery {
  sinceMs: number;
  untilMs: number;
  failureLimit: number;
}

const EMPTY: PeriodHistory = { counts: [], medians: [], latestFailures: [] };
const IN_PERIOD = 'r.started_at >= @since AND r.started_at <= @until';
const FINISHED = "r.status NOT IN ('skipped', 'running') AND r.duration_ms IS NOT NULL";
/** No later attempt of the same run in the period (runs_by_run_id answers it from the index). */
const IS_LAST = `NOT EXISTS (SELECT 1 FROM ${HISTORY_TABLE} l WHERE l.run_id = r.run_id AND l.attempt > r.attempt AND l.started_at >= @since AND l.started_at <= @until AND l.status != 'skipped')`;

const SQL = {
  counts: `SELECT r.task AS task, r.status AS status, (r.status != 'skipped' AND ${IS_LAST}) AS last, COUNT(*) AS rows,
             MAX(CASE WHEN ${FINISHED} THEN r.duration_ms END) AS maxDurationMs
           FROM ${HISTORY_TABLE} r NOT INDEXED WHERE ${IN_PERIOD} GROUP BY 1, 2, 3`,
  medians: `SELECT task, finished, duration_ms AS p50DurationMs FROM (
              SELECT r.task AS task, r.duration_ms AS duration_ms,
                ROW_NUMBER() OVER (PARTITION BY r.task ORDER BY r.duration_ms) AS rank, COUNT(*) OVER (PARTITION BY r.task) AS finished
              FROM ${HISTORY_TABLE} r NOT INDEXED WHERE ${IN_PERIOD} AND ${FINISHED})
            WHERE rank = (finished + 1) / 2`,
  latestFailures: `SELECT r.task AS task, r.run_id AS run_id, r.status AS status, r.started_at AS startedAt, r.attempt AS attempt,
                     r.exit_code AS exit_code, r.signal AS signal, r.reason AS reason,
                     (SELECT COUNT(*) FROM ${HISTORY_TABLE} a WHERE a.run_id = r.run_id AND a.status != 'skipped'
                        AND a.started_at >= @since AND a.started_at <= @until) AS attempts
                   FROM ${HISTORY_TABLE} r WHERE ${IN_PERIOD} AND r.status IN ('failed', 'timeout') AND ${IS_LAST}
                   ORDER BY r.started_at DESC, r.id DESC LIMIT @limit`,
};

/** The period's history of the database at `file`; empty when there is no database (nothing is created). */
export function queryPeriodHistory(file: string, query: PeriodQuery): PeriodHistory {
  if (!historyExists(file)) return EMPTY; // an unreadable one is an error, not an empty history
  // As every reader opens it: never written, migrated from an older schema where it can be.
  const db = openForReading(file);
  try {
    db.pragma('temp_store = FILE'); // big sorts spill to disk, not to memory
    const params = { since: query.sinceMs, until: query.untilMs, limit: query.failureLimit };
    let counts: StatusCount[];
    try {
      counts = db.prepare(SQL.counts).all(params) as StatusCount[];
    } catch (error) {
      if (/no such table/.test((error as Error).message)) return EMPTY;
      throw error;
    }
    return {
      counts: counts.map((c) => ({ ...c, last: Boolean(c.last) })),
      medians: db.prepare(SQL.medians).all(params) as TaskMedian[],
      latestFailures: [...(db.prepare(SQL.latestFailures).iterate(params) as IterableIterator<FailedRun>)],
    };
  } finally {
    db.close();
  }
}

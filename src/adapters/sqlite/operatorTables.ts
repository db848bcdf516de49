// The operators' tables of the history database (paused tasks, the audit log) and the filtered,
// paged history the API lists: statements prepared once, behind the RunStore port.
import type Database from 'better-sqlite3';
import type { AuditRecord, RunRecord, RunStatus, Trigger } from '../../core/types.js';
import type { AuditEntry, HistoryQuery } from '../../ports/runStore.js';
import { INDEXED_STATUSES, INDEXED_TRIGGERS, OPEN_ATTEMPT_STATUSES } from './migrations.js';
import { preparedWhenUsed } from './preparedWhenUsed.js';

interface AuditRow extends Omit<AuditRecord, 'at'> {
  at: number;
}

const INDEXED: ReadonlySet<RunStatus> = new Set(['failed', 'timeout', 'skipped', 'interrupted', 'cancelled']);
const OPEN: ReadonlySet<RunStatus> = new Set(['running', 'queued', 'awaiting_approval']);
/** Common in a history, and the rows of a DAG's hot path: not in attempts_by_trigger (a page of them is found by time). */
const UNINDEXED_TRIGGERS: ReadonlySet<Trigger> = new Set(['once', 'dependency']);

/** The term that lets a status filter use its partial index (none for `success`, common: found by time). */
function statusIndexTerm(status: RunStatus): string[] {
  if (INDEXED.has(status)) return [INDEXED_STATUSES];
  if (OPEN.has(status)) return [OPEN_ATTEMPT_STATUSES];
  return [];
}

export class OperatorTables {
  private readonly statements;
  /** The page's statements for each combination of filters and index terms (a few dozen at most): its rows, and the rest of its last millisecond. */
  private readonly pages = new Map<string, { page: Database.Statement; rest: Database.Statement }>();

  constructor(
    private readonly db: Database.Database,
    private readonly columns: string,
    private readonly toRecord: (row: never) => RunRecord,
  ) {
    this.statements = preparedWhenUsed({
      paused: () => db.prepare('SELECT task, at, actor FROM paused'),
      pause: () => db.prepare('INSERT INTO paused (task, at, actor) VALUES (@task, @at, @actor) ON CONFLICT (task) DO NOTHING'),
      resume: () => db.prepare('DELETE FROM paused WHERE task = ?'),
      audit: () => db.prepare(
        'INSERT INTO audit (at, actor, source, action, task, run_id, detail) VALUES (@at, @actor, @source, @action, @task, @run_id, @detail)',
      ),
      auditSince: () => db.prepare('SELECT at, actor, source, action, task, run_id, detail FROM audit WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?'),
      pruneAudit: () => db.prepare('DELETE FROM audit WHERE at < ?'),
    });
  }

  pausedTasks(): Map<string, { at: number; actor: string }> {
    const rows = this.statements.paused.all() as { task: string; at: number; actor: string }[];
    return new Map(rows.map((row) => [row.task, { at: row.at, actor: row.actor }]));
  }

  setPaused(task: string, pause: { at: number; actor: string } | null): boolean {
    const result = pause ? this.statements.pause.run({ task, ...pause }) : this.statements.resume.run(task);
    return result.changes > 0;
  }

  recordAudit(entry: AuditEntry): void {
    this.statements.audit.run(entry);
  }

  audit(query: { since?: number; limit: number }): AuditRecord[] {
    const rows = this.statements.auditSince.all(query.since ?? 0, query.limit) as AuditRow[];
    return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
  }

  pruneAudit(before: number): void {
    this.statements.pruneAudit.run(before);
  }

  historyPage(query: HistoryQuery): RunRecord[] {
    const filters: string[] = [];
    if (query.task !== undefined) filters.push('task = @task');
    // A partial index serves a filter only when the query repeats the index's own WHERE term.
    if (query.status !== undefined) filters.push('status = @status', ...statusIndexTerm(query.status));
    if (query.trigger !== undefined) filters.push('trigger = @trigger', ...(UNINDEXED_TRIGGERS.has(query.trigger) ? [] : [INDEXED_TRIGGERS]));
    if (query.before !== undefined) filters.push('started_at < @before');
    const key = filters.join(' AND ');
    let statements = this.pages.get(key);
    if (!statements) {
      const where = filters.length > 0 ? `WHERE ${key}` : '';
      statements = {
        page: this.db.prepare(`SELECT ${this.columns} FROM attempts ${where} ORDER BY started_at DESC, id DESC LIMIT @limit`),
        rest: this.db.prepare(
          `SELECT ${this.columns} FROM attempts WHERE ${[...filters, 'started_at = @at'].join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT -1 OFFSET @skip`,
        ),
      };
      this.pages.set(key, statements);
    }
    const params: Record<string, unknown> = { limit: query.limit };
    for (const name of ['task', 'status', 'trigger', 'before'] as const) if (query[name] !== undefined) params[name] = query[name];
    const { page, rest } = statements;
    // A full page takes the rest of the rows that started in the same millisecond as its last
    // one, so the next page (before = that started_at) misses none of them. One read
    // transaction: a row another process writes meanwhile is not counted twice or missed.
    const rows = this.db.transaction(() => {
      const found = page.all(params) as { started_at: number }[];
      if (found.length < query.limit) return found;
      const at = (found.at(-1) as { started_at: number }).started_at;
      const skip = found.filter((row) => row.started_at === at).length;
      return found.concat(rest.all({ ...params, at, skip }) as { started_at: number }[]);
    })();
    return (rows as never[]).map((row) => this.toRecord(row));
  }
}

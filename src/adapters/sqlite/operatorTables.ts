// The operators' tables of the history database (paused tasks, the audit log) and the filtered,
// paged history the API lists: statements prepared once, behind the RunStore port.
import type Database from 'better-sqlite3';
import type { AuditRecord, RunRecord } from '../../core/types.js';
import type { AuditEntry, HistoryQuery } from '../../ports/runStore.js';
import { preparedWhenUsed } from './preparedWhenUsed.js';

interface AuditRow extends Omit<AuditRecord, 'at'> {
  at: number;
}

export class OperatorTables {
  private readonly statements;
  /** One prepared statement per combination of filters (at most 16). */
  private readonly pages = new Map<string, Database.Statement>();

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
    if (query.status !== undefined) filters.push('status = @status');
    if (query.trigger !== undefined) filters.push('trigger = @trigger');
    if (query.before !== undefined) filters.push('started_at < @before');
    const key = filters.join(' AND ');
    let statement = this.pages.get(key);
    if (!statement) {
      const where = filters.length > 0 ? `WHERE ${key}` : '';
      statement = this.db.prepare(`SELECT ${this.columns} FROM attempts ${where} ORDER BY started_at DESC, id DESC LIMIT @limit`);
      this.pages.set(key, statement);
    }
    const params: Record<string, unknown> = { limit: query.limit };
    for (const name of ['task', 'status', 'trigger', 'before'] as const) if (query[name] !== undefined) params[name] = query[name];
    return (statement.all(params) as never[]).map((row) => this.toRecord(row));
  }
}

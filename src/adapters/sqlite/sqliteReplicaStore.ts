// The cluster side of a home's history (settings.ha), over the same SQLite file as the run store
// on a connection of its own. Own rows (node NULL) are noted for publishing by triggers
// (migration 7); rows of other nodes are written here with their node's name, and so are never
// recovered, resumed or published by this home.
import Database from 'better-sqlite3';
import type { HistoryEntry, ReplicatedAttempt, ReplicatedRun } from '../../core/ha/historyEntry.js';
import { streamIdAfter } from '../../core/ha/historyEntry.js';
import type { AppliedEnd, ReplicaStore } from '../../ports/replica.js';
import { databaseError } from './databaseError.js';
import { migrate } from './migrations.js';

const RUN_FIELDS = 'run_id, task, trigger, state, source, requested_at, fire_at, deadline, payload, reason, attempts, finished_at';
const ATTEMPT_FIELDS = 'run_id, task, attempt, trigger, status, started_at, finished_at, exit_code, signal, duration_ms, reason, fire_at, worker';
const OPEN_RUN = "'queued', 'waiting', 'awaiting_approval', 'running', 'retrying'";
/** A daemon's run between attempts with its next one's due time: left for whoever leads next (see Engine.hold). */
const LEFT_RETRY = "state = 'retrying' AND source = 'daemon' AND deadline IS NOT NULL";
/** Statuses of an attempt that ended for real (a health file shows them). */
const ENDED: ReadonlySet<string> = new Set(['success', 'failed', 'timeout', 'interrupted', 'cancelled']);

export function openReplicaStore(file: string): ReplicaStore {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: 10_000 });
    db.pragma('busy_timeout = 10000');
    migrate(db);
    return new SqliteReplicaStore(db, file);
  } catch (error) {
    if (db?.open) db.close();
    throw databaseError(file, error);
  }
}

class SqliteReplicaStore implements ReplicaStore {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.s = {
      publish: db.prepare('UPDATE ha_state SET publish = ? WHERE id = 1'),
      noted: db.prepare('SELECT seq, run_id, kind FROM ha_outbox ORDER BY seq LIMIT ?'),
      unnote: db.prepare('DELETE FROM ha_outbox WHERE seq <= ?'),
      note: db.prepare('INSERT INTO ha_outbox (run_id, kind) VALUES (?, ?)'),
      run: db.prepare(`SELECT ${RUN_FIELDS}, node FROM runs WHERE run_id = ?`),
      attempts: db.prepare(`SELECT ${ATTEMPT_FIELDS}, node FROM attempts WHERE run_id = ? ORDER BY attempt, id`),
      position: db.prepare('SELECT stream_id FROM ha_state WHERE id = 1'),
      setPosition: db.prepare('UPDATE ha_state SET stream_id = ? WHERE id = 1'),
      upsertRun: db.prepare(
        `INSERT INTO runs (${RUN_FIELDS}, node) VALUES (@run_id, @task, @trigger, @state, @source, @requested_at, @fire_at, @deadline, @payload, @reason, @attempts, @finished_at, @node)
         ON CONFLICT (run_id) DO UPDATE SET task = excluded.task, trigger = excluded.trigger, state = excluded.state, source = excluded.source,
           requested_at = excluded.requested_at, fire_at = excluded.fire_at, deadline = excluded.deadline, payload = excluded.payload,
           reason = excluded.reason, attempts = excluded.attempts, finished_at = excluded.finished_at, node = excluded.node,
           owner_pid = NULL, owner_start = NULL`,
      ),
      updateAttempt: db.prepare(
        `UPDATE attempts SET task = @task, trigger = @trigger, status = @status, started_at = @started_at, finished_at = @finished_at,
           exit_code = @exit_code, signal = @signal, duration_ms = @duration_ms, reason = @reason, fire_at = @fire_at, worker = @worker,
           node = @node, owner_pid = NULL, owner_start = NULL, handle = NULL
         WHERE run_id = @run_id AND attempt = @attempt`,
      ),
      insertAttempt: db.prepare(
        `INSERT INTO attempts (${ATTEMPT_FIELDS}, node) VALUES (@run_id, @task, @attempt, @trigger, @status, @started_at, @finished_at,
           @exit_code, @signal, @duration_ms, @reason, @fire_at, @worker, @node)`,
      ),
      // An inferred word applies only to a copy still open here (never to this home's own rows).
      inferRun: db.prepare(
        `UPDATE runs SET state = @state, reason = @reason, finished_at = @finished_at
         WHERE run_id = @run_id AND node IS NOT NULL AND state IN (${OPEN_RUN})`,
      ),
      inferAttempt: db.prepare(
        `UPDATE attempts SET status = @status, finished_at = @finished_at, duration_ms = @duration_ms, reason = @reason
         WHERE run_id = @run_id AND attempt = @attempt AND node IS NOT NULL AND status IN ('running', 'queued')`,
      ),
      hasAttempt: db.prepare('SELECT 1 FROM attempts WHERE run_id = ? AND attempt = ?'),
      hasRun: db.prepare('SELECT 1 FROM runs WHERE run_id = ?'),
      watermark: db.prepare(
        `INSERT INTO watermarks (task, fire_at) VALUES (?, ?) ON CONFLICT (task) DO UPDATE SET fire_at = MAX(fire_at, excluded.fire_at)`,
      ),
      // A retry a daemon left for the next leader (its due time kept) is taken over, not settled.
      foreignOpen: db.prepare(
        `SELECT run_id, node, state FROM runs WHERE node IS NOT NULL AND state IN ('running', 'retrying', 'queued', 'waiting')
           AND NOT (${LEFT_RETRY})`,
      ),
      foreignOpenAttempts: db.prepare(
        `SELECT a.run_id, a.node FROM attempts a WHERE a.node IS NOT NULL AND a.status IN ('running', 'queued')
           AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = a.run_id AND r.state IN ('queued', 'waiting', 'awaiting_approval'))`,
      ),
      endForeignRun: db.prepare('UPDATE runs SET state = @state, reason = @reason, finished_at = @at WHERE run_id = @run_id'),
      endForeignAttempts: db.prepare(
        `UPDATE attempts SET status = @status, reason = @reason, finished_at = @at, duration_ms = MAX(0, @at - started_at)
         WHERE run_id = @run_id AND node IS NOT NULL AND status IN ('running', 'queued')`,
      ),
      foreignAwaiting: db.prepare(`SELECT run_id FROM runs WHERE node IS NOT NULL AND state = 'awaiting_approval' ORDER BY requested_at`),
      foreignRetries: db.prepare(`SELECT run_id FROM runs WHERE node IS NOT NULL AND ${LEFT_RETRY} ORDER BY requested_at`),
      adoptRun: db.prepare('UPDATE runs SET node = NULL WHERE run_id = ?'),
      adoptAttempts: db.prepare('UPDATE attempts SET node = NULL WHERE run_id = ?'),
      role: db.prepare('UPDATE daemon SET role = ?, leader = ? WHERE id = 1'),
      clusterTrouble: db.prepare('UPDATE daemon SET cluster_trouble = ? WHERE id = 1'),
    };
  }

  setPublishing(on: boolean): void {
    this.guard(() => this.s.publish.run(on ? 1 : 0));
  }

  changes(node: string, limit: number): { upTo: number; entries: HistoryEntry[] } | null {
    return this.guard(() => {
      const noted = this.s.noted.all(limit) as { seq: number; run_id: string; kind: 'own' | 'inferred' }[];
      if (noted.length === 0) return null;
      const seen = new Set<string>();
      const entries: HistoryEntry[] = [];
      for (const { run_id: runId, kind } of noted) {
        if (seen.has(`${kind} ${runId}`)) continue;
        seen.add(`${kind} ${runId}`);
        const entry = this.entryOf(node, kind, runId);
        if (entry) entries.push(entry);
      }
      return { upTo: (noted[noted.length - 1] as { seq: number }).seq, entries };
    });
  }

  published(upTo: number): void {
    this.guard(() => this.s.unnote.run(upTo));
  }

  position(): string | null {
    return this.guard(() => (this.s.position.get() as { stream_id: string | null } | undefined)?.stream_id ?? null);
  }

  apply(self: string, entries: readonly { id: string; entry: HistoryEntry | null }[]): AppliedEnd[] {
    return this.guard(() =>
      this.db.transaction(() => {
        let position = this.position();
        const ends: AppliedEnd[] = [];
        for (const { id, entry } of entries) {
          if (position !== null && !streamIdAfter(id, position)) continue;
          position = id;
          if (!entry || entry.node === self) continue;
          if (entry.kind === 'own') this.applyOwn(entry, ends);
          else if (entry.owner !== self) this.applyInferred(entry, ends);
        }
        if (position !== null) this.s.setPosition.run(position);
        return ends;
      })(),
    );
  }

  settleForeignRuns(at: number, reasons: (node: string) => { interrupted: string; skipped: string }, alive: ReadonlySet<string>): number {
    return this.guard(() =>
      this.db.transaction(() => {
        const settled = new Set<string>();
        for (const run of this.s.foreignOpen.all() as { run_id: string; node: string; state: string }[]) {
          if (alive.has(run.node)) continue;
          const started = run.state === 'running' || run.state === 'retrying';
          const why = reasons(run.node);
          const reason = started ? why.interrupted : why.skipped;
          const status = started ? 'interrupted' : 'skipped';
          this.s.endForeignRun.run({ run_id: run.run_id, state: status, reason, at });
          this.s.endForeignAttempts.run({ run_id: run.run_id, status, reason, at });
          settled.add(run.run_id);
        }
        // Attempt rows still open whose run row is gone or already ended (pruned, or out of step).
        for (const row of this.s.foreignOpenAttempts.all() as { run_id: string; node: string }[]) {
          if (settled.has(row.run_id) || alive.has(row.node)) continue;
          this.s.endForeignAttempts.run({ run_id: row.run_id, status: 'interrupted', reason: reasons(row.node).interrupted, at });
          settled.add(row.run_id);
        }
        for (const runId of settled) this.s.note.run(runId, 'inferred');
        return settled.size;
      })(),
    );
  }

  foreignAwaiting(): string[] {
    return this.guard(() => (this.s.foreignAwaiting.all() as { run_id: string }[]).map((r) => r.run_id));
  }

  foreignRetries(): string[] {
    return this.guard(() => (this.s.foreignRetries.all() as { run_id: string }[]).map((r) => r.run_id));
  }

  adopt(runIds: readonly string[]): void {
    this.guard(() =>
      this.db.transaction(() => {
        for (const runId of runIds) {
          this.s.adoptRun.run(runId);
          this.s.adoptAttempts.run(runId);
        }
      })(),
    );
  }

  setRole(role: 'leader' | 'standby', leader: string | null): void {
    this.guard(() => this.s.role.run(role, leader));
  }

  setClusterTrouble(reason: string | null): void {
    this.guard(() => this.s.clusterTrouble.run(reason));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private entryOf(node: string, kind: 'own' | 'inferred', runId: string): HistoryEntry | null {
    const run = this.s.run.get(runId) as (ReplicatedRun & { node: string | null }) | undefined;
    const attempts = this.s.attempts.all(runId) as (ReplicatedAttempt & { node: string | null })[];
    // Own: only rows still this home's (a run taken over since is the new owner's to publish).
    // Inferred: only rows of the node that lost the lease.
    const mine = (row: { node: string | null }) => (kind === 'own' ? row.node === null : row.node !== null);
    const keptRun = run && mine(run) ? run : null;
    const keptAttempts = attempts.filter(mine);
    if (!keptRun && keptAttempts.length === 0) return null;
    const owner = kind === 'own' ? node : ((keptRun?.node ?? keptAttempts[0]?.node) as string);
    const strip = <T extends { node: string | null }>(row: T): Omit<T, 'node'> => {
      const { node: _node, ...rest } = row;
      return rest;
    };
    return {
      node,
      kind,
      owner,
      run: keptRun ? (strip(keptRun) as ReplicatedRun) : null,
      attempts: keptAttempts.map((a) => strip(a) as ReplicatedAttempt),
    };
  }

  private applyOwn(entry: HistoryEntry, ends: AppliedEnd[]): void {
    const node = entry.owner;
    if (entry.run) {
      this.s.upsertRun.run({ ...entry.run, node });
      this.noteFire(entry.run.task, entry.run.trigger, entry.run.fire_at);
    }
    for (const attempt of entry.attempts) {
      if (this.s.updateAttempt.run({ ...attempt, node }).changes === 0) this.s.insertAttempt.run({ ...attempt, node });
      this.noteEnd(attempt, ends);
    }
  }

  private applyInferred(entry: HistoryEntry, ends: AppliedEnd[]): void {
    const node = entry.owner;
    if (entry.run) {
      if (this.s.hasRun.get(entry.run.run_id)) this.s.inferRun.run({ run_id: entry.run.run_id, state: entry.run.state, reason: entry.run.reason, finished_at: entry.run.finished_at });
      else this.s.upsertRun.run({ ...entry.run, node });
    }
    for (const attempt of entry.attempts) {
      if (this.s.hasAttempt.get(attempt.run_id, attempt.attempt)) {
        if (this.s.inferAttempt.run(attempt).changes > 0) this.noteEnd(attempt, ends);
      } else {
        this.s.insertAttempt.run({ ...attempt, node });
        this.noteEnd(attempt, ends);
      }
    }
  }

  /** A scheduled fire another node dealt with is dealt with here too (the watermark a takeover starts from). */
  private noteFire(task: string, trigger: string, fireAt: number | null): void {
    if (fireAt !== null && (trigger === 'schedule' || trigger === 'catch_up')) this.s.watermark.run(task, fireAt);
  }

  private noteEnd(attempt: ReplicatedAttempt, ends: AppliedEnd[]): void {
    if (ENDED.has(attempt.status) && attempt.finished_at !== null) {
      ends.push({ task: attempt.task, status: attempt.status, finished_at: attempt.finished_at, exit_code: attempt.exit_code });
    }
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof Database.SqliteError) throw databaseError(this.file, error);
      throw error;
    }
  }
}

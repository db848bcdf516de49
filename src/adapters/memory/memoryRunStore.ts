// The history in memory, behind the same RunStore port as SQLite: what `simulate` runs the
// daemon's engine on (a year of fires must not touch a disk). It keeps every open run, each
// task's last real run and the latest `keep` history rows; older rows are forgotten, which is
// all a simulation needs. test/adapters/runStoreConformance.test.ts runs the same checks on it
// and on SQLite.
import type { AuditRecord, RunRecord, RunState, RunStatus } from '../../core/types.js';
import type {
  AuditEntry,
  HistoryQuery,
  AttemptFinish,
  AttemptStart,
  DaemonInfo,
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
import { createMemoryWatchFileStore } from './memoryWatchFileStore.js';

interface Row extends RunRecord {
  id: number;
  fire_at: number | null;
  startedMs: number;
}

const NOT_A_RUN: ReadonlySet<RunStatus> = new Set(['skipped', 'queued', 'awaiting_approval']);
const OPEN: ReadonlySet<RunState> = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

export function createMemoryRunStore(options: { keep?: number } = {}): MemoryRunStore {
  return new MemoryRunStore(options.keep ?? 10_000);
}

export class MemoryRunStore implements RunStore {
  private nextId = 1;
  private readonly rows = new Map<number, Row>();
  private readonly recent: Row[] = [];
  private readonly runs = new Map<string, StoredRun>();
  private readonly last = new Map<string, Row>();
  private readonly watermarks = new Map<string, number>();
  private daemon: DaemonInfo | null = null;
  private readonly paused = new Map<string, { at: number; actor: string }>();
  private readonly audits: AuditEntry[] = [];
  private readonly deliveries = new Map<string, WebhookDelivery>();
  /** Each task's usage recorded from `since` (the start of that UTC day) until `until` (a simulation opens). */
  private readonly usedBefore = new Map<string, { since: number; until: number; runs: number; runtimeSeconds: number }>();
  readonly watchFiles: WatchFileStore = createMemoryWatchFileStore((runId, text) => this.appendReason(runId, text));

  constructor(private readonly keep: number) {}

  /**
   * Seeds what a task used of its budget from `since` to `until` (the real history's, up to where a
   * simulation opens): counted instead of the rows before `until` (a seeded last run among them).
   */
  seedUsage(task: string, since: number, until: number, used: { runs: number; runtimeSeconds: number }): void {
    this.usedBefore.set(task, { since, until, ...used });
  }

  /** Seeds a task's last run (a simulation starts from the real history's). */
  seedLastRun(record: RunRecord): void {
    const row = this.newRow({ ...record, fire_at: null });
    this.noteLast(row);
  }

  createRun(run: NewRun): number | null {
    this.runs.set(run.run_id, { ...run, attempts: 0, finished_at: null, owner_pid: process.pid, owner_start: null });
    if (run.state === 'running') return null;
    const row = this.newRow({
      run_id: run.run_id,
      task: run.task,
      attempt: 1,
      trigger: run.trigger,
      status: run.state === 'awaiting_approval' ? 'awaiting_approval' : 'queued',
      started_at: iso(run.requested_at),
      finished_at: null,
      exit_code: null,
      signal: null,
      duration_ms: null,
      reason: run.reason,
      worker: null,
      fire_at: run.fire_at,
    });
    return row.id;
  }

  setRunState(runId: string, state: RunState, details: RunStateDetails = {}): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.state = state;
    if (details.reason !== undefined) run.reason = details.reason;
    if (details.deadline !== undefined) run.deadline = details.deadline;
    if (details.attempts !== undefined) run.attempts = details.attempts;
    if (details.finished_at !== undefined && details.finished_at !== null) run.finished_at = details.finished_at;
    if (!OPEN.has(state)) this.runs.delete(runId);
  }

  getRun(runId: string): StoredRun | null {
    return this.runs.get(runId) ?? null;
  }

  firstRowOf(runId: string): number | null {
    for (const row of this.rows.values()) {
      if (row.run_id === runId && row.attempt === 1 && (row.status === 'queued' || row.status === 'awaiting_approval')) return row.id;
    }
    return null;
  }

  adoptRun(): void {}

  markQueued(id: number, reason: string | null): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.status = 'queued';
    row.reason = reason;
  }

  usageSince(task: string, since: number, now: number): { runs: number; runtimeSeconds: number } {
    const runs = new Set<string>();
    let ms = 0;
    const before = this.usedBefore.get(task);
    const seeded = before && since <= before.since ? before : null;
    const from = seeded ? Math.max(since, seeded.until) : since;
    for (const row of this.recent) {
      if (row.task !== task || row.startedMs < from || NOT_A_RUN.has(row.status)) continue;
      runs.add(row.run_id);
      ms += row.duration_ms ?? Math.max(0, now - row.startedMs);
    }
    return { runs: runs.size + (seeded?.runs ?? 0), runtimeSeconds: ms / 1000 + (seeded?.runtimeSeconds ?? 0) };
  }

  openRuns(): StoredRun[] {
    return [...this.runs.values()].filter((run) => OPEN.has(run.state)).sort((a, b) => a.requested_at - b.requested_at);
  }

  startAttempt(start: AttemptStart): number {
    const row = this.newRow({
      run_id: start.run_id,
      task: start.task,
      attempt: start.attempt,
      trigger: start.trigger,
      status: start.status,
      started_at: iso(start.started_at),
      finished_at: null,
      exit_code: null,
      signal: null,
      duration_ms: null,
      reason: null,
      worker: null,
      fire_at: start.fire_at,
    });
    this.noteLast(row);
    return row.id;
  }

  dispatchAttempt(id: number, at: number, status: 'running' | 'queued'): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.status = status;
    row.started_at = iso(at);
    row.startedMs = at;
    row.reason = null;
    this.noteLast(row);
  }

  attemptStarted(id: number, _handle: string | null, worker: string | null, at: number): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.worker = worker;
    if (row.status === 'queued') {
      row.started_at = iso(at);
      row.startedMs = at;
    }
    row.status = 'running';
    this.noteLast(row);
  }

  finishAttempt(id: number, finish: AttemptFinish): void {
    const row = this.rows.get(id);
    if (!row) return;
    // A row that never ran (still queued or awaiting approval) took no time, as in the SQLite store.
    const ran = row.status !== 'queued' && row.status !== 'awaiting_approval';
    if (finish.started) row.worker = finish.started.worker;
    row.status = finish.status;
    row.finished_at = iso(finish.finished_at);
    row.exit_code = finish.exit_code;
    row.signal = finish.signal;
    row.reason = finish.reason;
    row.duration_ms = ran ? Math.max(0, finish.finished_at - row.startedMs) : 0;
    this.rows.delete(id);
    this.noteLast(row);
  }

  discardAttempt(id: number): void {
    const row = this.rows.get(id);
    if (row?.status !== 'queued') return;
    this.rows.delete(id);
    const at = this.recent.indexOf(row);
    if (at >= 0) this.recent.splice(at, 1);
  }

  recordSkip(skip: SkipRecord): void {
    this.runs.set(skip.run_id, {
      run_id: skip.run_id,
      task: skip.task,
      trigger: skip.trigger,
      state: 'skipped',
      source: skip.source,
      requested_at: skip.at,
      fire_at: skip.fire_at,
      deadline: null,
      payload: null,
      reason: skip.reason,
      attempts: 0,
      finished_at: skip.at,
      owner_pid: process.pid,
      owner_start: null,
    });
    this.runs.delete(skip.run_id);
    const row = this.newRow({
      run_id: skip.run_id,
      task: skip.task,
      attempt: 1,
      trigger: skip.trigger,
      status: 'skipped',
      started_at: iso(skip.at),
      finished_at: iso(skip.at),
      exit_code: null,
      signal: null,
      duration_ms: 0,
      reason: skip.reason,
      worker: null,
      fire_at: skip.fire_at,
    });
    this.rows.delete(row.id);
  }

  history(query: { task?: string; limit: number }): RunRecord[] {
    const found: RunRecord[] = [];
    const from = Math.max(0, this.recent.length - this.keep);
    for (let i = this.recent.length - 1; i >= from && found.length < query.limit; i--) {
      const row = this.recent[i] as Row;
      if (query.task === undefined || row.task === query.task) found.push(record(row));
    }
    return found.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
  }

  historyPage(query: HistoryQuery): RunRecord[] {
    const found: RunRecord[] = [];
    const from = Math.max(0, this.recent.length - this.keep);
    let lastMs: number | null = null;
    for (let i = this.recent.length - 1; i >= from; i--) {
      const row = this.recent[i] as Row;
      if (query.task !== undefined && row.task !== query.task) continue;
      if (query.status !== undefined && row.status !== query.status) continue;
      if (query.trigger !== undefined && row.trigger !== query.trigger) continue;
      if (query.before !== undefined && row.startedMs >= query.before) continue;
      // A full page takes the rest of its last row's millisecond too, as the SQLite store does.
      if (found.length >= query.limit && row.startedMs !== lastMs) break;
      found.push(record(row));
      lastMs = row.startedMs;
    }
    return found;
  }

  pausedTasks(): Map<string, { at: number; actor: string }> {
    return new Map(this.paused);
  }

  setPaused(task: string, pause: { at: number; actor: string } | null): boolean {
    if (pause === null) return this.paused.delete(task);
    if (this.paused.has(task)) return false;
    this.paused.set(task, pause);
    return true;
  }

  /** One process: no other process runs anything here. */
  otherLiveRun(): StoredRun | null {
    return null;
  }

  claimTaskLog(): boolean {
    return true;
  }

  releaseTaskLog(): void {}

  recordAudit(entry: AuditEntry): void {
    this.audits.push(entry);
  }

  audit(query: { since?: number; limit: number }): AuditRecord[] {
    return this.audits
      .filter((entry) => query.since === undefined || entry.at >= query.since)
      .reverse()
      .slice(0, query.limit)
      .map((entry) => ({ ...entry, at: iso(entry.at) }));
  }

  lastRun(task: string): RunRecord | null {
    const row = this.last.get(task);
    return row ? record(row) : null;
  }

  lastRuns(tasks: readonly string[], before?: number): Map<string, RunRecord> {
    const found = new Map<string, RunRecord>();
    for (const task of tasks) {
      const row = before === undefined ? this.last.get(task) : this.lastBefore(task, before);
      if (row) found.set(task, record(row));
    }
    return found;
  }

  /** Among the rows kept (the last `keep`), the task's latest real run started before `before`. */
  private lastBefore(task: string, before: number): Row | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const row = this.recent[i] as Row;
      if (row.task === task && row.startedMs < before && !NOT_A_RUN.has(row.status)) return row;
    }
    return undefined;
  }

  dataVersion(): number {
    return 0;
  }

  lastWithStatus(task: string, status: RunStatus): RunRecord | null {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const row = this.recent[i] as Row;
      if (row.task === task && row.status === status) return record(row);
    }
    return null;
  }

  runRows(runId: string): RunRecord[] {
    return this.recent.filter((row) => row.run_id === runId).map(record).sort((a, b) => a.attempt - b.attempt);
  }

  lastAttempt(runId: string): StoredAttempt | null {
    let last: Row | null = null;
    for (const row of this.rows.values()) if (row.run_id === runId && (!last || row.attempt >= last.attempt)) last = row;
    if (!last) return null;
    const { id, attempt, status, exit_code, signal, reason } = last;
    return { id, attempt, status, exit_code, signal, reason, finished_at: last.finished_at === null ? null : Date.parse(last.finished_at) };
  }

  since(since: number): RunRecord[] {
    return this.recent.filter((row) => row.startedMs >= since).map(record);
  }

  orphans(): OrphanAttempt[] {
    return [];
  }

  markInterrupted(): void {}

  deliveryRun(task: string, delivery: string): string | null {
    return this.deliveries.get(JSON.stringify([task, delivery]))?.run_id ?? null;
  }

  recordDelivery(delivery: WebhookDelivery): void {
    const key = JSON.stringify([delivery.task, delivery.delivery]);
    if (!this.deliveries.has(key)) this.deliveries.set(key, { ...delivery });
  }

  prune(before: number): number {
    for (const [key, delivery] of this.deliveries) if (delivery.at < before) this.deliveries.delete(key);
    let removed = 0;
    while (this.recent.length > 0 && (this.recent[0] as Row).startedMs < before) {
      this.recent.shift();
      removed++;
    }
    return removed;
  }

  /** A file that could not be moved: its run's reason and its last history row's say so. */
  private appendReason(runId: string, text: string): void {
    const join = (reason: string | null) => (reason ? `${reason}; ${text}` : text);
    const run = this.runs.get(runId);
    if (run) run.reason = join(run.reason);
    let last: Row | undefined;
    for (const row of this.rows.values()) if (row.run_id === runId && (!last || row.attempt >= last.attempt)) last = row;
    if (last) last.reason = join(last.reason);
  }

  getWatermark(task: string): number | null {
    return this.watermarks.get(task) ?? null;
  }

  setWatermark(task: string, fireAt: number): void {
    this.watermarks.set(task, Math.max(fireAt, this.watermarks.get(task) ?? -Infinity));
  }

  batch<T>(fn: () => T): T {
    return fn();
  }

  setDaemonInfo(info: DaemonInfo | null): void {
    this.daemon = info;
  }

  getDaemonInfo(): DaemonInfo | null {
    return this.daemon;
  }

  close(): void {}

  private newRow(fields: Omit<Row, 'id' | 'startedMs'>): Row {
    const row: Row = { ...fields, id: this.nextId++, startedMs: Date.parse(fields.started_at) };
    this.rows.set(row.id, row);
    this.recent.push(row);
    // Trimmed in chunks, so keeping the latest rows costs O(1) per row.
    if (this.recent.length > this.keep * 2) this.recent.splice(0, this.recent.length - this.keep);
    return row;
  }

  /** `lastRun` is the latest real run of a task (not skipped, queued or awaiting approval). */
  private noteLast(row: Row): void {
    if (NOT_A_RUN.has(row.status)) return;
    const current = this.last.get(row.task);
    if (!current || current === row || row.startedMs > current.startedMs || (row.startedMs === current.startedMs && row.id > current.id)) {
      this.last.set(row.task, row);
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function record(row: Row): RunRecord {
  return {
    run_id: row.run_id,
    task: row.task,
    attempt: row.attempt,
    trigger: row.trigger,
    status: row.status,
    started_at: row.started_at,
    finished_at: row.finished_at,
    exit_code: row.exit_code,
    signal: row.signal,
    duration_ms: row.duration_ms,
    reason: row.reason,
    worker: row.worker,
  };
}

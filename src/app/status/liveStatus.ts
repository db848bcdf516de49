// The daemon's status, kept up to date from the run events as they happen, so a status request
// (GET /api/v1/status, the dashboard) is answered from memory and never holds up a fire. Rows
// written by another process (a foreground `run`) are noticed by SQLite's data_version and read
// in once, at the next request.
import { healthTimestamp } from '../../core/health.js';
import { utcDayStart } from '../../core/scheduler/budgetDecision.js';
import type { Health, RunRecord, Task } from '../../core/types.js';
import type { CronSource } from '../../engine/cronSource.js';
import type { Engine } from '../../engine/engine.js';
import type { EventBus } from '../../engine/events.js';
import type { ExecutorState } from '../../ports/executor.js';
import type { HealthStore } from '../../ports/healthWriter.js';
import type { RunStore } from '../../ports/runStore.js';
import type { DaemonState } from '../daemonState.js';
import { buildStatusReport, statusReportJson, taskStatus, type StatusReport, type StatusView } from './statusReport.js';

interface UnreadAttempt {
  runId: string;
  attempt: number;
}

/** A task's part of the report as JSON, and what it was made from (same values: still right). */
interface Part {
  task: Task;
  next: number | null;
  last: RunRecord | null;
  health: Health | null;
  paused: boolean;
  json: string;
}

export class LiveStatus {
  private lastRuns = new Map<string, RunRecord>();
  private healths = new Map<string, Health | null>();
  private version = -1;
  /** Each task's latest attempt that started or ended, and latest that ended, since its row was last read. */
  private readonly unreadRows = new Map<string, UnreadAttempt>();
  private readonly unreadEnds = new Map<string, UnreadAttempt>();
  private parts = new Map<string, Part>();
  /** Run events seen: with the history's data version, the task table and the pauses, what the whole report depends on. */
  private changes = 0;
  private whole: { changes: number; version: number; table: unknown; pauses: number; json: string } | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly cron: CronSource,
    private readonly store: RunStore,
    private readonly health: HealthStore,
    private readonly daemon: () => DaemonState,
    events: EventBus,
    private readonly executor: (() => ExecutorState | null) | null = null,
  ) {
    // Noted here, read from the history only when a report asks for the task: a hundred runs
    // starting on one second cost no query each.
    events.on('attempt.started', (event) => this.unreadRows.set(event.task, { runId: event.run_id, attempt: event.attempt }));
    events.on('attempt.ended', (event) => {
      const attempt = { runId: event.run_id, attempt: event.attempt };
      this.unreadRows.set(event.task, attempt);
      this.unreadEnds.set(event.task, attempt);
    });
    events.onAny(() => this.changes++);
    this.reload();
  }

  report(now: number): StatusReport {
    return buildStatusReport(this.view(), now);
  }

  /** `report(now)` as JSON text: each task's part is made again only when something of it changed. */
  reportJson(now: number): string {
    const view = this.view(); // reads the data version first: another process's rows count as a change
    const { whole } = this;
    const table = this.engine.tasks;
    // The executor's state (Redis, workers) moves without run events: then the whole is made each time.
    const cacheable = this.executor === null && !view.config.tasks.some((task) => task.watch);
    if (cacheable && whole && whole.changes === this.changes && whole.version === this.version && whole.table === table && whole.pauses === this.engine.pauseGeneration) {
      return whole.json;
    }
    const json = this.partsJson(view, now);
    this.whole = { changes: this.changes, version: this.version, table, pauses: this.engine.pauseGeneration, json };
    return json;
  }

  private partsJson(view: StatusView, now: number): string {
    if (this.parts.size > view.config.tasks.length) this.parts.clear(); // tasks were removed (a reload)
    return statusReportJson(view, (task) => {
      const name = task.name;
      const next = view.nextRun(name, now);
      const last = view.lastRun(name);
      const health = view.health(name);
      const paused = view.paused(name);
      const part = this.parts.get(name);
      // A budget's runtime grows while a run goes, a watched folder's files come without run
      // events: such a task's part is made each time.
      if (part && !task.budget && !task.watch && part.task === task && part.next === next && part.last === last && part.health === health && part.paused === paused) return part.json;
      const json = JSON.stringify(taskStatus(view, task, now));
      this.parts.set(name, { task, next, last, health, paused, json });
      return json;
    });
  }

  view(): StatusView {
    if (this.store.dataVersion() !== this.version) this.reload();
    const config = { tasks: [...this.engine.tasks.entries.values()].map((e) => e.task), settings: this.engine.settings };
    return {
      config,
      daemon: this.daemon,
      timezone: (task) => this.engine.tasks.entries.get(task)?.timezone ?? 'UTC',
      nextRun: (task, now) => this.cron.nextFire(task, now),
      lastRun: (task) => this.lastRunOf(task),
      health: (task) => this.healthOf(task),
      paused: (task) => this.engine.pausedInfo(task) !== null,
      recent: (limit) => this.store.history({ limit }),
      awaiting: () => this.engine.awaitingApproval(),
      usage: (task, at) => this.store.usageSince(task, utcDayStart(at), at),
      ...(this.executor ? { executor: this.executor } : {}),
    };
  }

  private lastRunOf(task: string): RunRecord | null {
    const unread = this.unreadRows.get(task);
    if (unread) {
      this.unreadRows.delete(task);
      const row = this.rowOf(unread);
      if (row) this.lastRuns.set(task, row);
    }
    return this.lastRuns.get(task) ?? null;
  }

  private healthOf(task: string): Health | null {
    const ended = this.unreadEnds.get(task);
    if (ended) {
      // The health file is written off the main thread: the ended attempt's row says what it will hold.
      this.unreadEnds.delete(task);
      const row = this.rowOf(ended);
      if (row) this.healths.set(task, { status: row.status, timestamp: healthTimestamp(Date.parse(row.finished_at ?? row.started_at)), exit_code: row.exit_code });
    }
    if (!this.healths.has(task)) this.healths.set(task, this.health.read(task));
    return this.healths.get(task) ?? null;
  }

  /** Reads every task's last run afresh (at start, and after another process wrote). */
  private reload(): void {
    this.version = this.store.dataVersion();
    this.lastRuns = this.store.lastRuns([...this.engine.tasks.entries.keys()]);
    this.healths.clear();
    this.unreadRows.clear();
    this.unreadEnds.clear();
  }

  private rowOf({ runId, attempt }: UnreadAttempt): RunRecord | null {
    return this.store.runRows(runId).find((r) => r.attempt === attempt) ?? null;
  }
}

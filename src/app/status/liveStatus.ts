// The daemon's status, kept up to date from the run events as they happen, so a status request
// (GET /api/v1/status, the dashboard) is answered from memory and never holds up a fire. An
// attempt's event only notes which row is a task's latest; the row is read when a status is
// asked for (a burst of watched files is thousands of events and no request). Rows written by
// another process (a foreground `run`) are noticed by SQLite's data_version and read in once,
// at the next request.
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
  /** The attempt whose row is a task's last run, not read yet (the latest event's). */
  private unreadLast = new Map<string, { runId: string; attempt: number }>();
  /** The attempt that ended last, whose row is the task's health, not read yet. */
  private unreadHealth = new Map<string, { runId: string; attempt: number }>();
  private version = -1;
  private parts = new Map<string, Part>();
  /** Run events seen: with the history's data version, the task table and the pauses, what the whole report depends on. */
  private changes = 0;
  private whole: { changes: number; version: number; table: unknown; pauses: number; daemon: string; json: string; body: Buffer | null } | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly cron: CronSource,
    private readonly store: RunStore,
    private readonly health: HealthStore,
    private readonly daemon: () => DaemonState,
    events: EventBus,
    private readonly executor: (() => ExecutorState | null) | null = null,
  ) {
    events.on('attempt.started', (event) => this.unreadLast.set(event.task, { runId: event.run_id, attempt: event.attempt }));
    events.on('attempt.ended', (event) => {
      const attempt = { runId: event.run_id, attempt: event.attempt };
      this.unreadLast.set(event.task, attempt);
      this.unreadHealth.set(event.task, attempt);
    });
    events.onAny(() => this.changes++);
    this.reload();
  }

  report(now: number): StatusReport {
    return buildStatusReport(this.view(), now);
  }

  /** `report(now)` as JSON text: each task's part is made again only when something of it changed. */
  reportJson(now: number): string {
    return this.current(now).json;
  }

  /**
   * `reportJson(now)` as UTF-8 bytes, kept with the text until something changes: a status asked
   * for many times between two fires (a dashboard, a monitor, at 1,000 tasks ~0.5 MB) is sent
   * as it is, not measured and encoded again each time.
   */
  reportBody(now: number): Buffer {
    const whole = this.current(now);
    whole.body ??= Buffer.from(whole.json);
    return whole.body;
  }

  private current(now: number): NonNullable<LiveStatus['whole']> {
    const view = this.view(); // reads the data version first: another process's rows count as a change
    const { whole } = this;
    const table = this.engine.tasks;
    // The executor's state (Redis, workers) moves without run events: then the whole is made each
    // time. So may the daemon's own (a cluster node's role, leader, link to Redis): it is compared.
    const cacheable = this.executor === null && !view.config.tasks.some((task) => task.watch);
    const daemon = JSON.stringify(view.daemon());
    if (
      cacheable &&
      whole &&
      whole.changes === this.changes &&
      whole.version === this.version &&
      whole.table === table &&
      whole.pauses === this.engine.pauseGeneration &&
      whole.daemon === daemon
    ) {
      return whole;
    }
    const json = this.partsJson(view, now);
    this.whole = { changes: this.changes, version: this.version, table, pauses: this.engine.pauseGeneration, daemon, json, body: null };
    return this.whole;
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
      // The rows `status --json` counts, read the same way: the API and the CLI say the same.
      watchCounts: (task, since) => this.store.watchFiles.counts(task, since),
      ...(this.executor ? { executor: this.executor } : {}),
    };
  }

  private lastRunOf(task: string): RunRecord | null {
    const unread = this.unreadLast.get(task);
    if (unread) {
      this.unreadLast.delete(task);
      const row = this.rowOf(unread);
      if (row) this.lastRuns.set(task, row);
    }
    return this.lastRuns.get(task) ?? null;
  }

  private healthOf(task: string): Health | null {
    const unread = this.unreadHealth.get(task);
    if (unread) {
      this.unreadHealth.delete(task);
      const row = this.rowOf(unread);
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
    // What the events noted is in the rows just read (the health files lag: the ended rows are kept).
    this.unreadLast.clear();
  }

  private rowOf(unread: { runId: string; attempt: number }): RunRecord | null {
    return this.store.runRows(unread.runId).find((r) => r.attempt === unread.attempt) ?? null;
  }
}

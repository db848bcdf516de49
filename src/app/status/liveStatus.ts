// The daemon's status, kept up to date from the run events as they happen, so a status request
// (the API, the dashboard, GET /status) is answered from memory and never holds up a fire. Rows
// written by another process (a foreground `run`) are noticed by SQLite's data_version and read
// in once, at the next request.
import { healthTimestamp } from '../../core/health.js';
import { utcDayStart } from '../../core/scheduler/budgetDecision.js';
import type { Health, RunRecord } from '../../core/types.js';
import type { CronSource } from '../../engine/cronSource.js';
import type { Engine } from '../../engine/engine.js';
import type { EventBus } from '../../engine/events.js';
import type { ExecutorState } from '../../ports/executor.js';
import type { HealthStore } from '../../ports/healthWriter.js';
import type { RunStore } from '../../ports/runStore.js';
import type { DaemonState } from '../daemonState.js';
import { buildStatusReport, type StatusReport, type StatusView } from './statusReport.js';

export class LiveStatus {
  private lastRuns = new Map<string, RunRecord>();
  private healths = new Map<string, Health | null>();
  private version = -1;

  constructor(
    private readonly engine: Engine,
    private readonly cron: CronSource,
    private readonly store: RunStore,
    private readonly health: HealthStore,
    private readonly daemon: () => DaemonState,
    events: EventBus,
    private readonly executor: () => ExecutorState | null = () => null,
  ) {
    events.on('attempt.started', (event) => this.noteRow(event.task, event.run_id, event.attempt));
    events.on('attempt.ended', (event) => {
      const row = this.noteRow(event.task, event.run_id, event.attempt);
      if (row) this.healths.set(event.task, { status: row.status, timestamp: healthTimestamp(Date.parse(row.finished_at ?? row.started_at)), exit_code: row.exit_code });
    });
    this.reload();
  }

  report(now: number): StatusReport {
    return buildStatusReport(this.view(), now);
  }

  view(): StatusView {
    if (this.store.dataVersion() !== this.version) this.reload();
    const config = { tasks: [...this.engine.tasks.entries.values()].map((e) => e.task), settings: this.engine.settings };
    return {
      config,
      daemon: this.daemon,
      timezone: (task) => this.engine.tasks.entries.get(task)?.timezone ?? 'UTC',
      nextRun: (task, now) => this.cron.nextFire(task, now),
      lastRun: (task) => this.lastRuns.get(task) ?? null,
      health: (task) => this.healthOf(task),
      recent: (limit) => this.store.history({ limit }),
      awaiting: () => this.engine.awaitingApproval(),
      usage: (task, at) => this.store.usageSince(task, utcDayStart(at), at),
      executor: this.executor,
    };
  }

  private healthOf(task: string): Health | null {
    if (!this.healths.has(task)) this.healths.set(task, this.health.read(task));
    return this.healths.get(task) ?? null;
  }

  /** Reads every task's last run afresh (at start, and after another process wrote). */
  private reload(): void {
    this.version = this.store.dataVersion();
    this.lastRuns = this.store.lastRuns([...this.engine.tasks.entries.keys()]);
    this.healths.clear();
  }

  private noteRow(task: string, runId: string, attempt: number): RunRecord | null {
    const row = this.store.runRows(runId).find((r) => r.attempt === attempt) ?? null;
    if (row) this.lastRuns.set(task, row);
    return row;
  }
}

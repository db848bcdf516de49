// How the end of a run moves the runs that depend on it: tasks with no schedule are triggered
// (or skipped) when their dependencies have run, and scheduled fires waiting on a dependency are
// gated again. The rules are core/scheduler's (downstreamReady, gateDependencies); this is the
// walk over the task table and the open runs.
import { dependencyPeriodStart } from '../core/scheduler/dependencyPeriod.js';
import { downstreamReady } from '../core/scheduler/downstreamReady.js';
import { expiredWaitReason } from '../core/scheduler/expiredWait.js';
import { gateDependencies, type DependencyView } from '../core/scheduler/gateDependencies.js';
import type { TaskEntry, TaskTable } from '../core/scheduler/taskTable.js';
import type { FinalStatus, RunStatus } from '../core/types.js';
import type { ActiveRun, ActiveRuns } from './activeRuns.js';
import type { EngineContext } from './context.js';
import type { RequestOutcome, RunRequest } from './runRequest.js';

/** What the flow needs of the engine. */
export interface FlowHost {
  table(): TaskTable;
  readonly runs: ActiveRuns;
  isPaused(task: string): boolean;
  skip(request: Pick<RunRequest, 'task' | 'trigger' | 'fireAt'>, reason: string): RequestOutcome;
  request(request: RunRequest): RequestOutcome;
  endUnstarted(run: ActiveRun, status: Extract<FinalStatus, 'skipped'>, reason: string): void;
  enqueue(run: ActiveRun): void;
}

export class DependencyFlow {
  constructor(
    private readonly ctx: EngineContext,
    private readonly host: FlowHost,
  ) {}

  /**
   * Tasks with no schedule run when all their dependencies have just succeeded; when one did
   * not, they are skipped, and their own dependents after them (a loop, not recursion: chains
   * may be long). A run by hand the daemon carries out (`run --task` with a daemon, the API, the
   * dashboard) sets them off too (SPEC: "runs when all of its dependencies have just succeeded");
   * a session's runs (`run --all`, `--with-deps`) never come here: the session runs its own DAG.
   */
  triggerDownstream(name: string, status: RunStatus): void {
    const table = this.host.table();
    const pending: { name: string; status: RunStatus }[] = [{ name, status }];
    while (pending.length > 0) {
      const ended = pending.shift() as { name: string; status: RunStatus };
      for (const dependentName of table.dependents.get(ended.name) ?? []) {
        const dependent = table.entries.get(dependentName);
        if (!dependent || dependent.schedule || !dependent.task.enabled) continue;
        // A paused dependency gates its dependents as a disabled one does, though a person may
        // still run it (http.md, pause): its run by hand sets none of them off.
        const paused = dependent.task.dependencies.find((dep) => this.host.isPaused(dep));
        if (paused !== undefined) {
          this.host.skip({ task: dependentName, trigger: 'dependency', fireAt: null }, `dependency ${paused} is paused`);
          pending.push({ name: dependentName, status: 'skipped' });
          continue;
        }
        const ownLast = this.ctx.store.lastRun(dependentName);
        const decision = downstreamReady(
          ended,
          dependent.task.dependencies.map((dep) => {
            const last = this.ctx.store.lastRun(dep);
            return { name: dep, active: this.host.runs.isActive(dep), lastRun: last ? { status: last.status, startedAt: Date.parse(last.started_at) } : null };
          }),
          ownLast ? Date.parse(ownLast.started_at) : -Infinity,
        );
        if (decision.kind === 'skip') {
          this.host.skip({ task: dependentName, trigger: 'dependency', fireAt: null }, decision.reason);
          pending.push({ name: dependentName, status: 'skipped' });
        } else if (decision.kind === 'run') {
          this.host.request({ task: dependentName, trigger: 'dependency' });
        }
      }
    }
  }

  /**
   * Asks the dependency gate again for runs waiting on a dependency, in DAG order: all of them,
   * or (after a run of `ended` ended) only those that depend on it, the only ones it can release.
   */
  regateWaiting(ended?: string): void {
    const { runs } = this.host;
    if (runs.waiting.length === 0) return;
    const table = this.host.table();
    const order = (run: ActiveRun) => table.entries.get(run.task)?.order ?? 0;
    const affected = runs.waiting.filter((run) => ended === undefined || table.entries.get(run.task)?.task.dependencies.includes(ended));
    const now = this.ctx.clock.now();
    for (const run of affected.sort((a, b) => order(a) - order(b))) {
      const entry = table.entries.get(run.task);
      if (!entry || !runs.waiting.includes(run)) continue;
      // Its wait ended at its next fire, before this end (the cron's timer had not said so yet,
      // or is stopped: the drain): it is skipped as it would have been then, not released.
      if (run.deadline !== null && run.deadline <= now) {
        runs.waiting = runs.waiting.filter((r) => r !== run);
        this.host.endUnstarted(run, 'skipped', expiredWaitReason(entry.task.dependencies, (d) => d === ended || runs.isActive(d), run.waitingOn));
        continue;
      }
      const gate = gateDependencies(entry.task.dependencies.map((name) => this.view(name, entry, run.fireAt ?? run.requestedAt)));
      if (gate.kind === 'wait') continue;
      runs.waiting = runs.waiting.filter((r) => r !== run);
      if (gate.kind === 'skip') this.host.endUnstarted(run, 'skipped', gate.reason);
      else {
        run.state = 'queued';
        this.ctx.store.setRunState(run.id, 'queued', { reason: null });
        if (run.firstRow !== null) this.ctx.store.markQueued(run.firstRow, null);
        this.host.enqueue(run);
      }
    }
  }

  /** What the dependency gate needs to know of dependency `name` for a run of `dependent` at `at`. */
  view(name: string, dependent: TaskEntry, at: number): DependencyView {
    const dep = this.host.table().entries.get(name);
    const last = this.ctx.store.lastRun(name);
    return {
      name,
      enabled: dep?.task.enabled ?? false,
      paused: this.host.isPaused(name),
      active: this.host.runs.isActive(name),
      lastRun: last ? { status: last.status, startedAt: Date.parse(last.started_at), finishedAt: last.finished_at ? Date.parse(last.finished_at) : null } : null,
      byEnd: !dep?.schedule,
      periodStart: dependencyPeriodStart(dep?.schedule ?? null, dependent.schedule, at),
    };
  }
}

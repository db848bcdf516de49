// The daemon's API over its live state: reads answered from memory or one indexed query (status,
// tasks, runs, a run, the audit log, the graph, health), the operator actions, the live event
// stream (the engine's bus plus task and session events), and a run's log.
import path from 'node:path';
import { loopHealth } from '../../core/scheduler/loopHealth.js';
import type { AuditRecord, RunRecord } from '../../core/types.js';
import { ApiRefusal, type ApiEvent, type Caller, type DaemonApi, type DaemonHealth, type LogSink, type RunDetail } from '../../ports/daemonApi.js';
import type { HistoryQuery } from '../../ports/runStore.js';
import type { ApiContext } from './apiContext.js';
import { toApiEvent } from './apiEvents.js';
import { cancel, decide, pause, resume, startRun } from './operatorActions.js';
import { streamRunLog } from './runLog.js';
import { taskGraph, taskViews } from './taskViews.js';

/** Builds the API; `publish` of the context is this API's own, so actions reach the live stream. */
export function createDaemonApi(base: Omit<ApiContext, 'publish' | 'planned'>): DaemonApi {
  const listeners = new Set<(event: ApiEvent) => void>();
  const publish = (event: ApiEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const ctx: ApiContext = { ...base, publish, planned: new Map() };
  base.events.onAny((event) => {
    if (listeners.size > 0) publish(toApiEvent(event));
  });

  const runDetail = (runId: string): RunDetail => {
    const attempts = ctx.store.runRows(runId);
    const stored = ctx.store.getRun(runId);
    const last = attempts.at(-1);
    const planned = !stored && !last ? ctx.planned.get(runId) : undefined;
    if (planned) {
      // Asked for with its upstream, which has not finished: the run is decided, not yet asked for.
      return { run_id: runId, task: planned.task, status: 'queued', trigger: planned.trigger, reason: `waiting for its upstream to finish (${planned.upstream.join(', ')})`, attempts: [] };
    }
    if (!stored && !last) throw new ApiRefusal('not_found', `no run with id ${runId}`);
    return {
      run_id: runId,
      task: stored?.task ?? (last as RunRecord).task,
      // As the engine shows it: a run handed to the queue that no worker has started is queued.
      status: ctx.engine.shownState(runId) ?? stored?.state ?? (last as RunRecord).status,
      trigger: stored?.trigger ?? (last as RunRecord).trigger,
      reason: stored ? stored.reason : (last?.reason ?? null),
      attempts,
    };
  };

  return {
    health(): DaemonHealth {
      const now = ctx.clock.monotonic();
      const failure = ctx.writeFailure();
      const role = ctx.cluster?.role() ?? 'single';
      // A standby's scheduler loop sleeps by design: only its history writes count.
      const sinceTick = role === 'standby' ? 0 : now - ctx.cron.lastTick();
      const link = ctx.cluster?.connection();
      const verdict = loopHealth(
        sinceTick,
        failure ? { message: failure.message, agoMs: ctx.clock.now() - failure.at } : null,
        ctx.executorDown?.() ?? null,
        link && !link.connected ? link.reason : null,
      );
      return {
        ...verdict,
        version: ctx.version,
        uptime_s: Math.floor((now - ctx.startedAt) / 1000),
        tasks: ctx.engine.tasks.entries.size,
        running: ctx.engine.runningCount - ctx.engine.awaitingWorkerCount,
        role,
        ...(ctx.cluster ? { leader: ctx.cluster.leader() } : {}),
      };
    },
    standby() {
      const cluster = ctx.cluster;
      if (!cluster || cluster.role() === 'leader') return null;
      const leader = cluster.leader();
      const url = leader === null ? null : cluster.urlOf(leader);
      const link = cluster.connection();
      const where =
        leader !== null
          ? `send it to the leader, ${leader}${url ? ` (${url})` : ''}`
          : link.connected
            ? 'no node leads right now; try again in a few seconds'
            : `it cannot tell which node leads (${link.reason})`;
      return { message: `this node (${cluster.node}) is a standby of its cluster and takes no writes: ${where}`, leader, leader_url: url };
    },
    statusBody: () => ctx.live.reportBody(ctx.clock.now()),
    tasks: () => taskViews(ctx),
    task: (name) => taskViews(ctx, name)[0],
    graph: () => taskGraph(ctx),
    runs: (query: HistoryQuery) => ctx.store.historyPage(query),
    run: runDetail,
    checkRun: (runId) => void runDetail(runId),
    async streamLog(runId: string, follow: boolean, sink: LogSink, signal: AbortSignal): Promise<void> {
      const detail = runDetail(runId);
      const current = path.join(ctx.paths.taskLogsDir, `${detail.task}.log`);
      let ended: Promise<unknown> | null = null;
      // A run of this daemon, or one its with_deps request will ask for once its upstream is done:
      // followed until its end (a planned one not started yet has no output so far).
      if (follow && (ctx.engine.openRun(runId) || (ctx.planned.has(runId) && !ctx.store.getRun(runId)))) {
        let off: () => void = () => {};
        ended = new Promise<void>((resolve) => {
          off = ctx.events.on('run.ended', (event) => event.run_id === runId && resolve());
        });
        signal.addEventListener('abort', () => off(), { once: true });
        void ended.then(() => off());
      } else if (follow && ['queued', 'waiting', 'running', 'retrying'].includes(detail.status)) {
        ended = foregroundEnd(ctx, runId, signal); // a foreground run's rows: no event reaches this process
      }
      await streamRunLog({ current, runId, ended, signal }, sink);
    },
    startRun: (task, options, caller: Caller) => startRun(ctx, task, options, caller),
    pause: (task, caller) => pause(ctx, task, caller),
    resume: (task, caller) => resume(ctx, task, caller),
    cancel: (runId, caller, interruptedBy) => cancel(ctx, runId, caller, interruptedBy),
    decide: (runId, decision, comment, caller) => decide(ctx, runId, decision, comment, caller),
    audit: (query): AuditRecord[] => ctx.store.audit(query),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reloaded() {
      publish({ kind: 'config', data: { type: 'config.reloaded', tasks: ctx.config().tasks.length, at: new Date(ctx.clock.now()).toISOString() } });
    },
  };
}

/** A run of another process (a foreground `run`) ends when its row says so: asked once a second. */
function foregroundEnd(ctx: ApiContext, runId: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const state = ctx.store.getRun(runId)?.state;
      if (signal.aborted || !state || !['queued', 'waiting', 'running', 'retrying'].includes(state)) {
        clearInterval(timer);
        resolve();
      }
    }, 1000);
  });
}

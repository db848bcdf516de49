// The operator's actions through the API (and the CLI verbs that call it): run a task now (alone,
// or with its upstream as a DAG session), pause, resume, cancel. Each goes through the engine
// like every other request (so concurrency_policy and max_concurrent_tasks hold), approve or reject
// a run awaiting approval, answers with
// a refusal the HTTP layer can map (404, 409), and leaves a row in the audit log.
import { randomBytes } from 'node:crypto';
import type { AuditAction, RunState, Trigger } from '../../core/types.js';
import { newRunId } from '../../core/run/runId.js';
import { DagSession, type SessionEngine } from '../../engine/dagSession.js';
import { ApiRefusal, type Caller, type DecidedRun, type StartedRun } from '../../ports/daemonApi.js';
import { selectTask } from '../selectTasks.js';
import type { ApiContext } from './apiContext.js';

const OPEN: ReadonlySet<RunState> = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

export function audit(ctx: ApiContext, caller: Caller, action: AuditAction, fields: { task?: string | null; run_id?: string | null; detail?: string | null }): void {
  const via = caller.source === 'cli' ? `via the API (token ${caller.token})` : null;
  ctx.store.recordAudit({
    at: ctx.clock.now(),
    actor: caller.actor,
    source: caller.source,
    action,
    task: fields.task ?? null,
    run_id: fields.run_id ?? null,
    detail: [fields.detail ?? null, via].filter(Boolean).join('; ') || null,
  });
}

function knownTask(ctx: ApiContext, name: string) {
  const entry = ctx.engine.tasks.entries.get(name);
  if (!entry) throw new ApiRefusal('not_found', `no task named ${name}`);
  return entry;
}

/** Runs a task now: trigger `api`, or `manual` for `run --task` through the daemon. */
export function startRun(ctx: ApiContext, name: string, options: { withDeps: boolean; manual: boolean; approved?: boolean }, caller: Caller): StartedRun {
  const entry = knownTask(ctx, name);
  if (!entry.task.enabled) throw new ApiRefusal('conflict', `task ${name} is disabled in the config; enable it to run it`);
  // As run --all: a run of a watch task is one file's, and the daemon makes them as files arrive.
  if (entry.task.watch && !entry.task.schedule && !options.manual) {
    throw new ApiRefusal('conflict', `task ${name} watches a folder: each file that arrives gets a run of its own, so there is no run to start without one (run --task ${name} processes the files waiting now)`);
  }
  const trigger: Trigger = options.manual ? 'manual' : 'api';
  // Approving as one asks is the caller's decision on the gate: audited as theirs.
  const approved = options.approved === true && entry.task.approval !== null;
  if (!options.withDeps) {
    const outcome = ctx.store.batch(() => {
      const submitted = ctx.engine.submit({ task: name, trigger, approved });
      audit(ctx, caller, 'run', { task: name, run_id: submitted.run_id, detail: submitted.status === 'skipped' ? `skipped: ${submitted.reason}` : `trigger ${trigger}` });
      if (approved && submitted.status !== 'skipped') audit(ctx, caller, 'approve', { task: name, run_id: submitted.run_id, detail: 'approved as it was asked for (--approved)' });
      return submitted;
    });
    // Running once it has a slot, and (remote) once a worker started it: queued until then.
    const state = ctx.engine.shownState(outcome.run_id);
    const status = state === 'running' ? 'running' : outcome.status;
    const waitsFor = ctx.engine.isStopping
      ? 'the daemon is stopping: the run waits for its next start'
      : ctx.engine.openRun(outcome.run_id)?.state === 'running'
        ? 'waiting for a worker'
        : 'waiting for a free slot';
    const reason = outcome.status === 'skipped' ? outcome.reason : status === 'queued' ? waitsFor : undefined;
    return { run_id: outcome.run_id, task: name, status, ...(reason !== undefined ? { reason } : {}) };
  }
  const selection = selectTask(ctx.config(), name, true);
  const id = randomBytes(6).toString('hex');
  // The session's requests pass through here, so the live stream can say which runs are its.
  const watched: SessionEngine = {
    request: (request) => {
      const outcome = ctx.engine.request(request);
      ctx.publish({ kind: 'session', data: { type: 'session.run', session: id, run_id: outcome.run_id, task: request.task } });
      return outcome;
    },
    skip: (request, reason) => {
      const outcome = ctx.engine.skip(request, reason);
      ctx.publish({ kind: 'session', data: { type: 'session.run', session: id, run_id: outcome.run_id, task: request.task } });
      return outcome;
    },
    dispatch: () => ctx.engine.dispatch(),
    openRun: (runId) => ctx.engine.openRun(runId),
    cancel: (runId, reason, kind) => ctx.engine.cancel(runId, reason, kind),
    expect: (tasks) => ctx.engine.expect(tasks),
  };
  // The task asked for has its run id from the start, for the answer (202 {run_id}); its upstream's come as they start.
  const runId = newRunId(ctx.clock.now());
  const session = new DagSession(watched, { tasks: selection.tasks, unavailable: selection.unavailable }, trigger, ctx.clock.now(), ctx.store, options.approved === true, new Map([[name, runId]]));
  const tasks = selection.tasks.map((t) => t.name);
  audit(ctx, caller, 'run', { task: name, detail: `trigger ${trigger} with its upstream (${tasks.join(', ')}); session ${id}` });
  const gated = selection.tasks.filter((t) => t.approval !== null).map((t) => t.name);
  if (options.approved === true && gated.length > 0) audit(ctx, caller, 'approve', { task: name, detail: `approved as they were asked for (--approved): ${gated.join(', ')}; session ${id}` });
  void session.done.then((outcomes) => ctx.publish({ kind: 'session', data: { type: 'session.ended', session: id, outcomes } }));
  const upstream = tasks.filter((task) => task !== name);
  if (upstream.length > 0) {
    ctx.planned.set(runId, { task: name, trigger, upstream, session });
    void session.done.then(() => ctx.planned.delete(runId));
  }
  session.start();
  return { run_id: runId, task: name, status: 'queued', session: id, tasks };
}

export function pause(ctx: ApiContext, name: string, caller: Caller) {
  knownTask(ctx, name);
  const at = ctx.clock.now();
  const already = ctx.engine.pausedInfo(name);
  if (already) {
    throw new ApiRefusal('conflict', `task ${name} is already paused (since ${new Date(already.at).toISOString()}, by ${already.actor})`);
  }
  ctx.store.batch(() => {
    ctx.engine.setPaused(name, { at, actor: caller.actor });
    audit(ctx, caller, 'pause', { task: name });
  });
  ctx.publish({ kind: 'task', data: { task: name, paused: true, actor: caller.actor, at: new Date(at).toISOString() } });
  return { task: name, paused: true as const, since: new Date(at).toISOString(), by: caller.actor };
}

export function resume(ctx: ApiContext, name: string, caller: Caller) {
  knownTask(ctx, name);
  if (!ctx.engine.pausedInfo(name)) throw new ApiRefusal('conflict', `task ${name} is not paused`);
  const at = ctx.clock.now();
  ctx.store.batch(() => {
    ctx.engine.setPaused(name, null);
    audit(ctx, caller, 'resume', { task: name });
  });
  ctx.publish({ kind: 'task', data: { task: name, paused: false, actor: caller.actor, at: new Date(at).toISOString() } });
  return { task: name, paused: false as const };
}

/** Stops a running or queued run; `interruptedBy` (a signal name): the CLI following it was interrupted. */
export function cancel(ctx: ApiContext, runId: string, caller: Caller, interruptedBy: string | null) {
  const open = ctx.engine.openRun(runId);
  const planned = open ? undefined : ctx.planned.get(runId);
  if (planned && !ctx.store.getRun(runId)) {
    // Asked for with its upstream, not asked for yet: the request stops, nothing more of it
    // starts; once what runs of its upstream ends, this run is recorded skipped with the reason.
    // A following run --task --with-deps stopped by a signal: its runs are interrupted, as in the foreground.
    const reason = interruptedBy ? `interrupted by ${interruptedBy}` : `cancelled by ${caller.actor}`;
    ctx.store.batch(() => {
      planned.session.stop(reason);
      audit(ctx, caller, 'cancel', { task: planned.task, run_id: runId, detail: `${reason} before its upstream finished` });
    });
    return { run_id: runId, task: planned.task, state: 'queued' as const };
  }
  // What it was when cancelled, as people see it: a remote attempt no worker started is queued (it will not start).
  const shown = ctx.engine.shownState(runId);
  if (!open) {
    const stored = ctx.store.getRun(runId);
    if (!stored) {
      if (ctx.store.runRows(runId).length === 0) throw new ApiRefusal('not_found', `no run with id ${runId}`);
      throw new ApiRefusal('conflict', `run ${runId} has ended; there is nothing to cancel`);
    }
    if (OPEN.has(stored.state) && stored.source === 'foreground') {
      const pid = stored.owner_pid ? ` (pid ${stored.owner_pid})` : '';
      throw new ApiRefusal('conflict', `run ${runId} belongs to a foreground run command${pid}, not to the daemon; stop that command (Ctrl-C)`);
    }
    throw new ApiRefusal('conflict', `run ${runId} is not running or queued: it ended ${stored.state}`);
  }
  const reason = interruptedBy ? `interrupted by ${interruptedBy}` : `cancelled by ${caller.actor}`;
  ctx.store.batch(() => {
    ctx.engine.cancel(runId, reason, interruptedBy ? 'interrupted' : 'cancelled');
    audit(ctx, caller, 'cancel', { task: open.task, run_id: runId, detail: reason });
  });
  return { run_id: runId, task: open.task, state: shown ?? open.state };
}

/**
 * An operator's decision on a run awaiting approval (workflow.md): approved, it goes on as any
 * run; rejected, it ends skipped with who and why. Refused (404, 409 saying its status) otherwise.
 */
export function decide(ctx: ApiContext, runId: string, decision: 'approve' | 'reject', comment: string | null, caller: Caller): DecidedRun {
  const task = ctx.engine.openRun(runId)?.task ?? null;
  const result = ctx.store.batch(() => {
    const decided = ctx.engine.decide(runId, decision, caller.actor, comment);
    if (decided.ok) audit(ctx, caller, decision, { task, run_id: runId, detail: comment });
    return decided;
  });
  if (!result.ok) {
    const stored = ctx.store.getRun(runId);
    const state = stored?.state ?? ctx.store.runRows(runId).at(-1)?.status;
    if (state === undefined) throw new ApiRefusal('not_found', `no run with id ${runId}`);
    const why = stored?.reason ? `: ${stored.reason}` : '';
    throw new ApiRefusal('conflict', `cannot ${decision} run ${runId}: it is not awaiting approval (its status is ${state}${why})`);
  }
  const state = ctx.engine.shownState(runId) ?? ctx.store.getRun(runId)?.state ?? 'skipped';
  return { run_id: runId, task: task ?? '', decision: decision === 'approve' ? 'approved' : 'rejected', status: state };
}

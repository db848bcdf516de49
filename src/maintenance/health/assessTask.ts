// One task's health from what is on record (latest run, latest success, first row, health
// file) at a fixed instant: the row of `automation-health` and the task part of `health-check`.
import type { Schedule } from '../../core/schedule/cron.js';
import type { Health, RunRecord, RunStatus } from '../../core/types.js';
import { judgeStaleness } from './staleness.js';

/** What a task looks like now; `failed` and `stale` are errors, `interrupted` and `never_ran` warnings. */
export type TaskState = 'ok' | 'running' | 'failed' | 'stale' | 'interrupted' | 'never_ran' | 'disabled';
export type Level = 'ok' | 'warning' | 'error';

export interface TaskFacts {
  /** The latest attempt that was a real run (not a skipped fire). */
  lastRun: RunRecord | null;
  lastSuccess: RunRecord | null;
  /** Start of the oldest row of the task (ms); only needed when there is no success on record. */
  firstSeenMs: number | null;
  health: Health | null;
}

export interface TaskInput {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  /** The compiled schedule, or null when the task has none. */
  compiled: Schedule | null;
  facts: TaskFacts;
}

/** One entry of status/automation_health_report.json (times ISO 8601 UTC). */
export interface TaskHealth {
  name: string;
  enabled: boolean;
  schedule: string | null;
  timezone: string;
  state: TaskState;
  level: Level;
  reason: string | null;
  last_status: RunStatus | null;
  last_run_at: string | null;
  last_success_at: string | null;
  /** Seconds since the latest run started. */
  age_seconds: number | null;
  next_fire: string | null;
  stale: boolean;
  /** p3 of the staleness rule: a success must have started at or after it. */
  success_due_since: string | null;
  health: Health | null;
}

/** Decides the state of one task at `now` (pure). */
export function assessTask(input: TaskInput, now: number): TaskHealth {
  const { facts } = input;
  const last = latestKnown(facts);
  const lastSuccessMs = latestSuccessMs(facts);
  const verdict = judgeStaleness(
    { enabled: input.enabled, schedule: input.compiled, lastSuccessMs, firstSeenMs: facts.firstSeenMs ?? (last ? last.at : null) },
    now,
  );
  const next = input.enabled && input.compiled ? input.compiled.next(now) : null;
  const { state, level, reason } = decideState(input, last, verdict.stale ? verdict.reason : null);
  return {
    name: input.name,
    enabled: input.enabled,
    schedule: input.schedule,
    timezone: input.timezone,
    state,
    level,
    reason,
    last_status: last?.status ?? null,
    last_run_at: last ? new Date(last.at).toISOString() : null,
    last_success_at: lastSuccessMs === null ? null : new Date(lastSuccessMs).toISOString(),
    age_seconds: last ? Math.max(0, Math.floor((now - last.at) / 1000)) : null,
    next_fire: next === null ? null : new Date(next).toISOString(),
    stale: verdict.stale,
    success_due_since: verdict.deadlineMs === null ? null : new Date(verdict.deadlineMs).toISOString(),
    health: facts.health,
  };
}

interface Latest {
  status: RunStatus;
  at: number;
  why: string | null;
}

/** The history's latest real run; the health file only when the history has none (a lost database). */
function latestKnown(facts: TaskFacts): Latest | null {
  if (facts.lastRun) {
    const run = facts.lastRun;
    return { status: run.status, at: Date.parse(run.started_at), why: run.reason ?? (run.exit_code === null ? null : `exit code ${run.exit_code}`) };
  }
  if (facts.health) {
    const code = facts.health.exit_code;
    return { status: facts.health.status, at: Date.parse(facts.health.timestamp), why: code === null ? null : `exit code ${code}` };
  }
  return null;
}

function latestSuccessMs(facts: TaskFacts): number | null {
  const times: number[] = [];
  if (facts.lastSuccess) times.push(Date.parse(facts.lastSuccess.started_at));
  if (facts.health?.status === 'success') times.push(Date.parse(facts.health.timestamp));
  return times.length === 0 ? null : Math.max(...times);
}

function decideState(input: TaskInput, last: Latest | null, staleReason: string | null): { state: TaskState; level: Level; reason: string | null } {
  const lastFailed = last !== null && (last.status === 'failed' || last.status === 'timeout');
  const when = last ? new Date(last.at).toISOString() : '';
  if (!input.enabled) {
    return { state: 'disabled', level: 'ok', reason: lastFailed ? `disabled; its last run (${when}) ended ${last.status}` : 'disabled' };
  }
  if (lastFailed) {
    return { state: 'failed', level: 'error', reason: `last run ${last.status} at ${when}${last.why ? `: ${last.why}` : ''}` };
  }
  if (staleReason !== null) return { state: 'stale', level: 'error', reason: staleReason };
  if (last === null) {
    return input.compiled
      ? { state: 'never_ran', level: 'warning', reason: 'never ran' }
      : { state: 'never_ran', level: 'ok', reason: 'never ran (no schedule: runs by hand or after its dependencies)' };
  }
  if (last.status === 'running') return { state: 'running', level: 'ok', reason: `running since ${when}` };
  if (last.status === 'interrupted') return { state: 'interrupted', level: 'warning', reason: `last run was interrupted at ${when}` };
  return { state: 'ok', level: 'ok', reason: null };
}

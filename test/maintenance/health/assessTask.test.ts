// One task's state from what is on record, at fixed instants.
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/core/schedule/cron.js';
import type { Health, RunRecord, RunStatus } from '../../../src/core/types.js';
import { assessTask, type TaskFacts } from '../../../src/maintenance/health/assessTask.js';

const now = Date.parse('2025-06-02T10:30:00Z');
const hourly = compileSchedule('0 * * * *', 'UTC');

function run(status: RunStatus, startedAt: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    run_id: `r-${startedAt}`,
    task: 't',
    attempt: 1,
    trigger: 'schedule',
    status,
    started_at: startedAt,
    finished_at: status === 'running' ? null : startedAt,
    exit_code: status === 'success' ? 0 : status === 'failed' ? 2 : null,
    signal: null,
    duration_ms: status === 'running' ? null : 1000,
    reason: null,
    worker: null,
    ...extra,
  };
}

function assess(facts: Partial<TaskFacts>, options: { enabled?: boolean; scheduled?: boolean } = {}) {
  const scheduled = options.scheduled ?? true;
  return assessTask(
    {
      name: 't',
      enabled: options.enabled ?? true,
      schedule: scheduled ? '0 * * * *' : null,
      timezone: 'UTC',
      compiled: scheduled ? hourly : null,
      facts: { lastRun: null, lastSuccess: null, firstSeenMs: null, health: null, ...facts },
    },
    now,
  );
}

describe('assessTask', () => {
  it('reports a task whose latest run succeeded as ok, with its age and next fire', () => {
    const last = run('success', '2025-06-02T10:00:00.000Z');
    expect(assess({ lastRun: last, lastSuccess: last })).toMatchObject({
      state: 'ok',
      level: 'ok',
      last_status: 'success',
      last_run_at: '2025-06-02T10:00:00.000Z',
      last_success_at: '2025-06-02T10:00:00.000Z',
      age_seconds: 1800,
      next_fire: '2025-06-02T11:00:00.000Z',
      stale: false,
      success_due_since: '2025-06-02T08:00:00.000Z',
    });
  });

  it.each(['failed', 'timeout'] as const)('reports a task whose latest run ended %s as an error, even with a recent success', (status) => {
    const result = assess({ lastRun: run(status, '2025-06-02T10:00:00.000Z', { reason: 'exit code 2' }), lastSuccess: run('success', '2025-06-02T09:00:00.000Z') });
    expect(result).toMatchObject({ state: 'failed', level: 'error', stale: false });
    expect(result.reason).toBe(`last run ${status} at 2025-06-02T10:00:00.000Z: exit code 2`);
  });

  it('reports a task without a success for two whole periods as stale', () => {
    const last = run('success', '2025-06-02T07:00:00.000Z');
    expect(assess({ lastRun: last, lastSuccess: last })).toMatchObject({ state: 'stale', level: 'error', stale: true });
  });

  it('keeps a failed task failed (not stale) when both apply, with stale still true', () => {
    const result = assess({ lastRun: run('failed', '2025-06-02T10:00:00.000Z'), lastSuccess: run('success', '2025-06-01T10:00:00.000Z') });
    expect(result).toMatchObject({ state: 'failed', stale: true });
  });

  it('reports a task that is running now as ok', () => {
    const result = assess({ lastRun: run('running', '2025-06-02T10:00:00.000Z'), lastSuccess: run('success', '2025-06-02T09:00:00.000Z') });
    expect(result).toMatchObject({ state: 'running', level: 'ok' });
  });

  it('warns about an interrupted run', () => {
    const result = assess({ lastRun: run('interrupted', '2025-06-02T10:00:00.000Z'), lastSuccess: run('success', '2025-06-02T09:00:00.000Z') });
    expect(result).toMatchObject({ state: 'interrupted', level: 'warning' });
  });

  it('warns, without failing, about a scheduled task that never ran', () => {
    expect(assess({})).toMatchObject({ state: 'never_ran', level: 'warning', stale: false, last_status: null, age_seconds: null });
  });

  it('does not even warn about an unscheduled task that never ran', () => {
    expect(assess({}, { scheduled: false })).toMatchObject({ state: 'never_ran', level: 'ok', next_fire: null });
  });

  it('calls a task with only skipped fires for longer than two periods stale', () => {
    expect(assess({ firstSeenMs: Date.parse('2025-06-01T00:00:00Z') })).toMatchObject({ state: 'stale', level: 'error' });
  });

  it('leaves a disabled task alone, saying how its last run ended', () => {
    const result = assess({ lastRun: run('failed', '2025-05-01T10:00:00.000Z') }, { enabled: false });
    expect(result).toMatchObject({ state: 'disabled', level: 'ok', stale: false, next_fire: null });
    expect(result.reason).toMatch(/disabled; its last run .* ended failed/);
  });

  it('falls back to the health file when the history has nothing (a lost database)', () => {
    const health: Health = { status: 'success', timestamp: '2025-06-02T10:00:00Z', exit_code: 0 };
    expect(assess({ health })).toMatchObject({ state: 'ok', last_status: 'success', last_success_at: '2025-06-02T10:00:00.000Z', health });
    const failed: Health = { status: 'failed', timestamp: '2025-06-02T10:00:00Z', exit_code: 1 };
    expect(assess({ health: failed })).toMatchObject({ state: 'failed', reason: 'last run failed at 2025-06-02T10:00:00.000Z: exit code 1' });
  });
});

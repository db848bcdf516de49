import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';
import { retryDecision } from '../../../src/core/run/retryDecision.js';
import { budgetDecision } from '../../../src/core/scheduler/budgetDecision.js';

const task = (more: Record<string, unknown>) => ({ tasks: [{ name: 't', command: 'true', ...more }] });

describe('workflow fields in the config', () => {
  it.each([
    [{ retry_on_exit_codes: [75], no_retry_on_exit_codes: [2] }, '/tasks/0/no_retry_on_exit_codes', /cannot both be set/],
    [{ budget: { max_runs_per_day: -1 } }, '/tasks/0/budget/max_runs_per_day', /.+/],
    [{ budget: { max_runtime_per_day: -5 } }, '/tasks/0/budget/max_runtime_per_day', /.+/],
    [{ budget: { max_runs: 3 } }, '/tasks/0/budget/max_runs', /unknown key/],
    [{ approval: { timeout: 0 } }, '/tasks/0/approval/timeout', /.+/],
    [{ retry_on_exit_codes: [300] }, '/tasks/0/retry_on_exit_codes/0', /.+/],
  ])('refuses %j at %s', (fields, where, message) => {
    const result = validateConfig(task(fields));
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems.find((p) => p.where === where);
    expect(problem?.message).toMatch(message);
  });

  it('fills the defaults: a day to approve, the settings budget, timeouts retried', () => {
    const result = validateConfig({ ...task({ approval: {} }), settings: { budget: { max_runs_per_day: 5 } } });
    expect(result.ok && result.config.tasks[0]).toMatchObject({
      approval: { timeout: 86400, message: null },
      budget: { max_runs_per_day: 5, max_runtime_per_day: null },
      retry_on_timeout: true,
      retry_on_exit_codes: null,
    });
    const none = validateConfig({ ...task({ budget: null }), settings: { budget: { max_runs_per_day: 5 } } });
    expect(none.ok && none.config.tasks[0]?.budget).toBeNull();
  });
});

describe('retryDecision with retry rules', () => {
  const base = { retry_count: 3, retry_delay: 1, retry_backoff: 'fixed' as const, retry_max_delay: 10 };
  const failed = (code: number) => ({ status: 'failed' as const, exitCode: code, reason: `exit code ${code}` });
  it.each([
    ['a listed code under retry_on_exit_codes', { retry_on_exit_codes: [75, 111] }, failed(75), { retry: true, delayMs: 1000 }],
    ['another code under retry_on_exit_codes', { retry_on_exit_codes: [75, 111] }, failed(1), { retry: false, reason: 'exit code 1 is not retried (only 75, 111 are)' }],
    ['a code under no_retry_on_exit_codes', { no_retry_on_exit_codes: [2] }, failed(2), { retry: false, reason: 'exit code 2 is not retried' }],
    ['another code under no_retry_on_exit_codes', { no_retry_on_exit_codes: [2] }, failed(1), { retry: true, delayMs: 1000 }],
    ['a timeout', { retry_on_exit_codes: [75] }, { status: 'timeout' as const, exitCode: 124, reason: 'timed out' }, { retry: true, delayMs: 1000 }],
    ['a timeout with retry_on_timeout false', { retry_on_timeout: false }, { status: 'timeout' as const, exitCode: 124, reason: 'timed out' }, { retry: false, reason: 'a timeout is not retried (retry_on_timeout: false)' }],
  ])('%s decides %o', (_label, rules, outcome, expected) => {
    expect(retryDecision({ ...base, ...rules }, 1, outcome, null)).toEqual(expected);
  });
});

describe('budgetDecision', () => {
  it.each([
    [null, { runs: 100, runtimeSeconds: 1e6 }, { kind: 'ok' }],
    [{ max_runs_per_day: 3, max_runtime_per_day: null }, { runs: 2, runtimeSeconds: 0 }, { kind: 'ok' }],
    [{ max_runs_per_day: 3, max_runtime_per_day: null }, { runs: 3, runtimeSeconds: 0 }, { kind: 'skip', reason: 'budget exhausted: 3 of 3 runs used today (UTC)' }],
    [{ max_runs_per_day: null, max_runtime_per_day: 60 }, { runs: 9, runtimeSeconds: 61 }, { kind: 'skip', reason: 'budget exhausted: 1m of 1m runtime used today (UTC)' }],
    [{ max_runs_per_day: 0, max_runtime_per_day: null }, { runs: 0, runtimeSeconds: 0 }, { kind: 'skip', reason: 'budget exhausted: 0 of 0 runs used today (UTC)' }],
  ] as const)('with %j and %j decides %j', (budget, usage, expected) => {
    expect(budgetDecision(budget, usage)).toEqual(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { attemptOutcome } from '../../../src/core/run/outcome.js';
import { retryDelayMs } from '../../../src/core/run/retryDelay.js';
import { newRunId } from '../../../src/core/run/runId.js';
import { formatHealth, parseHealth } from '../../../src/core/health.js';

describe('retryDelayMs', () => {
  it.each([
    ['fixed', 1, 10_000],
    ['fixed', 5, 10_000],
    ['linear', 3, 30_000],
    ['exponential', 1, 10_000],
    ['exponential', 4, 80_000],
    ['exponential', 20, 100_000],
  ] as const)('%s backoff before retry %i waits %i ms (capped at retry_max_delay)', (backoff, retry, expected) => {
    expect(retryDelayMs({ retry_delay: 10, retry_backoff: backoff, retry_max_delay: 100 }, retry)).toBe(expected);
  });
});

describe('attemptOutcome', () => {
  const base = { exitCode: null, signal: null, startError: null, timedOut: false, timeoutSeconds: 5, interruptedBy: null };
  it.each([
    ['a zero exit', { exitCode: 0 }, 'success', 0],
    ['a non-zero exit', { exitCode: 3 }, 'failed', 3],
    ['a missing command', { exitCode: 127 }, 'failed', 127],
    ['death by SIGKILL', { signal: 'SIGKILL' }, 'failed', 137],
    ['a timeout', { signal: 'SIGTERM', timedOut: true }, 'timeout', 124],
    ['an interrupt', { signal: 'SIGTERM', interruptedBy: 'interrupted by SIGINT' }, 'interrupted', 143],
    ['a spawn error', { startError: 'cannot start' }, 'failed', 127],
    ['a lost worker', { lost: 'worker w1 lost' }, 'interrupted', null],
    ['a lost worker that had been killed', { signal: 'SIGKILL', lost: 'worker w1 lost' }, 'interrupted', 137],
  ])('records %s', (_label, end, status, code) => {
    const outcome = attemptOutcome({ ...base, ...end });
    expect(outcome.status).toBe(status);
    expect(outcome.exitCode).toBe(code);
  });
  it('marks an attempt whose worker was lost as lost, with the reason', () => {
    expect(attemptOutcome({ ...base, lost: 'worker w1 lost' })).toEqual({ status: 'interrupted', exitCode: null, reason: 'worker w1 lost', lost: true });
  });
  it('explains exit code 127 as a command not found', () => {
    expect(attemptOutcome({ ...base, exitCode: 127 }).reason).toBe('exit code 127: command not found');
  });
});

describe('health lines', () => {
  it('round-trip status:timestamp:exit_code with the colons of the timestamp', () => {
    const line = formatHealth({ status: 'success', timestamp: '2025-06-02T10:00:00Z', exit_code: 0 });
    expect(line).toBe('success:2025-06-02T10:00:00Z:0\n');
    expect(parseHealth(line)).toEqual({ status: 'success', timestamp: '2025-06-02T10:00:00Z', exit_code: 0 });
  });
  it('reads a damaged line as nothing', () => {
    expect(parseHealth('garbage')).toBeNull();
  });
});

describe('run ids', () => {
  it('start with the UTC time, to the second', () => {
    expect(newRunId(Date.UTC(2025, 5, 2, 10, 0, 0), () => 0.5)).toBe('20250602T100000Z-80000000');
  });
});

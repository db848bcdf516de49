// The staleness rule at fixed instants: stale when no success started at or after p3, the fire
// before the fire before the latest fire at or before now.
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/core/schedule/cron.js';
import type { Schedule } from '../../../src/core/schedule/cron.js';
import { judgeStaleness } from '../../../src/maintenance/health/staleness.js';

const at = (iso: string) => Date.parse(iso);
const hourly = compileSchedule('0 * * * *', 'UTC');

describe('an hourly task judged at 10:30 (fires 10:00, 09:00, 08:00)', () => {
  const now = at('2025-06-02T10:30:00Z');

  it.each([
    ['10:05, after the latest fire', '2025-06-02T10:05:00Z', false],
    ['09:00, one period back', '2025-06-02T09:00:00Z', false],
    ['08:00 exactly, two whole periods back', '2025-06-02T08:00:00Z', false],
    ['07:59:59.999, just before p3', '2025-06-02T07:59:59.999Z', true],
    ['the day before', '2025-06-01T10:00:00Z', true],
  ])('a last success at %s is stale: %s', (_label, success, stale) => {
    const verdict = judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: at(success), firstSeenMs: null }, now);
    expect(verdict.stale).toBe(stale);
    expect(verdict.deadlineMs).toBe(at('2025-06-02T08:00:00Z'));
    expect(verdict.reason === null).toBe(!stale);
  });

  it('names the last success and the deadline in the reason', () => {
    const verdict = judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: at('2025-06-02T06:00:00Z'), firstSeenMs: null }, now);
    expect(verdict.reason).toBe('no success since 2025-06-02T06:00:00.000Z (expected one at or after 2025-06-02T08:00:00.000Z, two whole periods back)');
  });
});

describe('when now is exactly a fire', () => {
  it('counts that fire as the latest (its run may be starting)', () => {
    const now = at('2025-06-02T10:00:00Z');
    const ok = judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: at('2025-06-02T08:00:00Z'), firstSeenMs: null }, now);
    expect(ok).toMatchObject({ stale: false, deadlineMs: at('2025-06-02T08:00:00Z') });
  });
});

describe('a daily task in its own zone', () => {
  const tokyo = compileSchedule('0 9 * * *', 'Asia/Tokyo'); // 00:00 UTC

  it('looks back two whole days before the latest 09:00 JST', () => {
    const now = at('2025-06-02T01:00:00Z'); // 10:00 JST
    const fresh = judgeStaleness({ enabled: true, schedule: tokyo, lastSuccessMs: at('2025-05-31T00:00:05Z'), firstSeenMs: null }, now);
    expect(fresh).toMatchObject({ stale: false, deadlineMs: at('2025-05-31T00:00:00Z') });
    const stale = judgeStaleness({ enabled: true, schedule: tokyo, lastSuccessMs: at('2025-05-30T23:59:00Z'), firstSeenMs: null }, now);
    expect(stale.stale).toBe(true);
  });
});

describe('a task with no success on record', () => {
  const now = at('2025-06-02T10:30:00Z');

  it('is not stale when it has never run (a fresh install or a new task)', () => {
    expect(judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: null, firstSeenMs: null }, now).stale).toBe(false);
  });

  it('is stale when its first row is older than two whole periods', () => {
    const verdict = judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: null, firstSeenMs: at('2025-06-02T07:00:00Z') }, now);
    expect(verdict.stale).toBe(true);
    expect(verdict.reason).toMatch(/no success on record since its first run at 2025-06-02T07:00:00.000Z/);
  });

  it('is not stale yet when it first ran within the last two periods', () => {
    expect(judgeStaleness({ enabled: true, schedule: hourly, lastSuccessMs: null, firstSeenMs: at('2025-06-02T08:30:00Z') }, now).stale).toBe(false);
  });
});

describe('tasks the rule does not apply to', () => {
  const now = at('2025-06-02T10:30:00Z');
  const old = at('2020-01-01T00:00:00Z');

  it('never calls a disabled task stale', () => {
    expect(judgeStaleness({ enabled: false, schedule: hourly, lastSuccessMs: old, firstSeenMs: old }, now)).toEqual({ stale: false, deadlineMs: null, reason: null });
  });

  it('never calls an unscheduled task stale', () => {
    expect(judgeStaleness({ enabled: true, schedule: null, lastSuccessMs: old, firstSeenMs: old }, now)).toEqual({ stale: false, deadlineMs: null, reason: null });
  });

  it('never calls stale a schedule with fewer than three past fires', () => {
    const young: Schedule = { expression: 'x', timezone: 'UTC', next: () => null, prev: (t) => (t >= at('2025-06-02T09:00:00Z') ? at('2025-06-02T09:00:00Z') : null) };
    expect(judgeStaleness({ enabled: true, schedule: young, lastSuccessMs: null, firstSeenMs: old }, now).stale).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { recoveredEnd } from '../../../src/core/run/recoveredEnd.js';

describe('recoveredEnd: an attempt its dead conductor left running, found later', () => {
  const startedAt = 1_000;
  const now = 100_000;
  it.each([
    ['with no sign of life after its start', [], false, startedAt],
    ['with signs missing (no heartbeat, no output)', [null, null], false, startedAt],
    ['at the latest sign of life', [3_000, 7_500], false, 7_500],
    ['never before its start (a heartbeat of the conductor from before it began)', [500], false, startedAt],
    ['never after now (the clock was stepped back since)', [250_000], false, now],
    ['at now when its processes were found alive and stopped now', [3_000], true, now],
  ] as const)('ends %s', (_label, signs, stoppedNow, expected) => {
    expect(recoveredEnd({ startedAt, now, stoppedNow, signs })).toBe(expected);
  });

  it('ends at its start when it started after now (the clock was stepped back): it took 0 ms', () => {
    expect(recoveredEnd({ startedAt: 5_000, now: 4_000, stoppedNow: true, signs: [4_500] })).toBe(5_000);
  });
});

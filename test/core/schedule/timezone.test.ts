import { afterEach, describe, expect, it } from 'vitest';
import { checkTimezone, resolveTimezone, systemTimezone } from '../../../src/core/schedule/cron.js';

describe('checkTimezone', () => {
  it.each(['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Asia/Calcutta', 'Etc/GMT+5', 'US/Eastern'])(
    'accepts %j',
    (zone) => {
      expect(checkTimezone(zone)).toBeNull();
    },
  );

  it.each(['Mars/Base', '', ' UTC', 'UTC ', '+05:00', 'GMT+5', 'Local', 'America/NewYork'])('refuses %j', (zone) => {
    expect(checkTimezone(zone)).toBe(`unknown timezone "${zone}" (use an IANA name such as "Europe/Berlin" or "UTC")`);
  });
});

describe('systemTimezone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('is the zone the runtime runs in (TZ)', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(systemTimezone()).toBe('Europe/Berlin');
  });

  it('falls back to UTC when the runtime has no valid zone', () => {
    process.env.TZ = 'Nowhere/Nothing';
    expect(systemTimezone()).toBe('UTC');
  });

  it('is always a zone checkTimezone accepts', () => {
    expect(checkTimezone(systemTimezone())).toBeNull();
  });
});

describe('resolveTimezone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it.each<[string | null, string | null, string, string]>([
    ['Asia/Kolkata', 'Europe/Berlin', 'Asia/Kolkata', "the task's zone first"],
    [null, 'Europe/Berlin', 'Europe/Berlin', "then the settings' zone"],
    ['', 'Europe/Berlin', 'Europe/Berlin', 'an empty task zone counts as none'],
    [null, null, 'America/Santiago', "then the system's zone"],
    [null, '', 'America/Santiago', 'an empty settings zone counts as none'],
  ])('(%j, %j) is %j: %s', (taskZone, settingsZone, expected) => {
    process.env.TZ = 'America/Santiago';
    expect(resolveTimezone(taskZone, settingsZone)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';

const tasks = [{ name: 'a', command: 'true' }];

function problems(value: unknown): string[] {
  const result = validateConfig(value);
  return result.ok ? [] : result.problems.map((p) => `${p.where}: ${p.message}`);
}

describe('when the config names no cluster', () => {
  it('is a single scheduler', () => {
    const result = validateConfig({ tasks });
    expect(result.ok && result.config.settings.ha).toBeNull();
  });
});

describe('when settings.ha is given', () => {
  it('takes the Redis URL and the cluster, with a 10 s lease by default', () => {
    const result = validateConfig({ tasks, settings: { ha: { redis_url: 'redis://10.0.0.5:6379/1', cluster: 'prod' } } });
    expect(result.ok && result.config.settings.ha).toEqual({ redis_url: 'redis://10.0.0.5:6379/1', cluster: 'prod', lease_seconds: 10 });
  });

  it('takes a lease length', () => {
    const result = validateConfig({ tasks, settings: { ha: { redis_url: 'redis://h', cluster: 'c', lease_seconds: 4 } } });
    expect(result.ok && result.config.settings.ha?.lease_seconds).toBe(4);
  });

  it.each([
    [{ cluster: 'prod' }, '/settings/ha/redis_url: required key is missing'],
    [{ redis_url: 'redis://h' }, '/settings/ha/cluster: required key is missing'],
    [{ redis_url: 'http://h', cluster: 'prod' }, '/settings/ha/redis_url: "http://h" is not a Redis URL'],
    [{ redis_url: 'redis://h', cluster: 'prod:eu' }, '/settings/ha/cluster: "prod:eu" is not a valid name'],
    [{ redis_url: 'redis://h', cluster: '' }, '/settings/ha/cluster: must not be empty'],
    [{ redis_url: 'redis://h', cluster: 'c', lease_seconds: 1 }, '/settings/ha/lease_seconds: must be >= 2'],
    [{ redis_url: 'redis://h', cluster: 'c', lease_seconds: 2.5 }, '/settings/ha/lease_seconds: '],
    [{ redis_url: 'redis://h', cluster: 'c', node: 'x' }, '/settings/ha/node: unknown key'],
  ])('refuses %o, naming the place', (ha, message) => {
    const found = problems({ tasks, settings: { ha } });
    expect(found.some((p) => p.startsWith(message)), found.join('\n')).toBe(true);
  });

  it('lists every problem of it at once', () => {
    expect(problems({ tasks, settings: { ha: { redis_url: 'ftp://h', cluster: 'a b' } } })).toHaveLength(2);
  });
});

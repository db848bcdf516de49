import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';

const task = (over: Record<string, unknown> = {}) => ({ name: 'a', command: 'true', ...over });

function problems(value: unknown): string[] {
  const result = validateConfig(value);
  return result.ok ? [] : result.problems.map((p) => `${p.where}: ${p.message}`);
}

describe('when the config names no executor', () => {
  it('runs attempts locally, and every task on the default queue', () => {
    const result = validateConfig({ tasks: [task()] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.settings.executor).toEqual({ type: 'local', redis_url: null, prefix: 'conductor' });
    expect(result.config.tasks[0]?.queue).toBe('default');
  });
});

describe('when the executor is a queue', () => {
  it('takes the Redis URL, the prefix and each task queue', () => {
    const result = validateConfig({
      tasks: [task({ queue: 'gpu' })],
      settings: { executor: { type: 'queue', redis_url: 'redis://127.0.0.1:6379/0', prefix: 'prod' } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.settings.executor).toEqual({ type: 'queue', redis_url: 'redis://127.0.0.1:6379/0', prefix: 'prod' });
    expect(result.config.tasks[0]?.queue).toBe('gpu');
  });

  it.each([
    [{ type: 'queue' }, [], "/settings/executor/redis_url: required when type is 'queue' (e.g. redis://127.0.0.1:6379/0)"],
    [{ type: 'queue', redis_url: 'http://x' }, [], '/settings/executor/redis_url: "http://x" is not a Redis URL'],
    [{ type: 'queue', redis_url: 'redis://h:99999' }, [], '/settings/executor/redis_url: "redis://h:99999" is not a Redis URL'],
    [{ type: 'queue', redis_url: 'redis://h', prefix: 'a:b' }, [], '/settings/executor/prefix: "a:b" is not a valid name'],
    [{ type: 'remote' }, [], '/settings/executor/type: must be one of local, queue; got "remote"'],
    [{ type: 'queue', redis_url: 'redis://h', extra: 1 }, [], '/settings/executor/extra: unknown key'],
    [{ type: 'queue', redis_url: 'redis://h' }, [task({ queue: '' })], '/tasks/0/queue: must not be empty'],
    [{ type: 'queue', redis_url: 'redis://h' }, [task({ queue: 'gpu:1' })], '/tasks/0/queue: "gpu:1" is not a valid name'],
    [{ type: 'queue', redis_url: 'redis://h' }, [task({ queue: 3 })], '/tasks/0/queue: expected a string, got 3'],
  ])('refuses %o with tasks %o, naming the place', (executor, tasks, message) => {
    const found = problems({ tasks: tasks.length > 0 ? tasks : [task()], settings: { executor } });
    expect(found.some((p) => p.startsWith(message))).toBe(true);
  });

  it.each(['redis://127.0.0.1:6379/0', 'redis://:secret@redis.example.invalid', 'rediss://user:pw@[::1]:6380/2', 'redis://localhost'])(
    'accepts the URL %s',
    (url) => {
      expect(problems({ tasks: [task()], settings: { executor: { type: 'queue', redis_url: url } } })).toEqual([]);
    },
  );
});

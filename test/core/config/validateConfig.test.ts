import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';
import { findJsonError } from '../../../src/core/config/findJsonError.js';
import { parseJson } from '../../../src/core/config/parseJson.js';

const task = (over: Record<string, unknown> = {}) => ({ name: 'a', command: 'true', schedule: '0 2 * * *', ...over });

function problems(value: unknown): string[] {
  const result = validateConfig(value);
  return result.ok ? [] : result.problems.map((p) => `${p.where}: ${p.message}`);
}

describe('when the config is the seed format', () => {
  it('loads it as it is and fills every default', () => {
    const result = validateConfig({
      tasks: [
        {
          name: 'cleanup_analysis',
          command: 'python scripts/cleanup_engine.py cleanup_inventory.json --analyze',
          schedule: '30 2 * * *',
          dependencies: ['inventory_scan'],
          timeout: 3600,
          retry_count: 3,
          retry_delay: 300,
          enabled: true,
        },
        { name: 'inventory_scan', command: './scan.sh', schedule: '0 2 * * *' },
      ],
      settings: {
        max_concurrent_tasks: 3,
        task_history_retention_days: 30,
        task_timeout_default: 3600,
        notification_webhook: 'https://example.invalid/hook',
        enable_notifications: false,
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const scan = result.config.tasks[1];
    expect(scan).toMatchObject({
      timeout: 3600,
      retry_count: 0,
      retry_delay: 60,
      retry_backoff: 'fixed',
      kill_grace: 10,
      concurrency_policy: 'forbid',
      catch_up: false,
      enabled: true,
      dependencies: [],
    });
    expect(result.config.settings).toMatchObject({ shutdown_timeout: 30, log_max_bytes: 10485760, log_keep: 5, timezone: null });
  });

  it('accepts a "$schema" key without needing the file', () => {
    expect(problems({ $schema: './nowhere.json', tasks: [task()] })).toEqual([]);
  });

  it('takes the timeout default from settings.task_timeout_default', () => {
    const result = validateConfig({ tasks: [task()], settings: { task_timeout_default: 42 } });
    expect(result.ok && result.config.tasks[0]?.timeout).toBe(42);
  });
});

describe('when the config is wrong', () => {
  it.each([
    ['an unknown task key', { tasks: [task(), task({ name: 'b', retries: 3 })] }, '/tasks/1/retries: unknown key'],
    ['an unknown settings key', { tasks: [task()], settings: { max_tasks: 2 } }, '/settings/max_tasks: unknown key'],
    ['a wrong type', { tasks: [task({ timeout: '60' })] }, '/tasks/0/timeout: expected a number, got "60"'],
    ['a negative number', { tasks: [task({ retry_count: -1 })] }, '/tasks/0/retry_count: must be >= 0, got -1'],
    ['a missing command', { tasks: [{ name: 'a' }] }, '/tasks/0/command: required key is missing'],
    ['missing tasks', {}, '/tasks: required key is missing'],
    ['a bad backoff', { tasks: [task({ retry_backoff: 'random' })] }, '/tasks/0/retry_backoff: must be one of fixed, linear, exponential; got "random"'],
    [
      'a bad cron minute',
      { tasks: [task(), task(), task(), task({ schedule: '61 * * * *' })].map((t, i) => ({ ...t, name: `t${i}` })) },
      '/tasks/3/schedule: "61 * * * *" is not a valid cron expression (minute 61 out of range',
    ],
    ['a missing dependency', { tasks: [task({ dependencies: ['ghost'] })] }, '/tasks/0/dependencies/0: unknown task "ghost"'],
    [
      'a dependency that differs from a task in case',
      { tasks: [task({ name: 'fetch_data' }), task({ name: 'b', dependencies: ['Fetch_Data'] })] },
      '/tasks/1/dependencies/0: unknown task "Fetch_Data" (did you mean "fetch_data"?)',
    ],
    [
      'a dependency that differs from a task in - and _',
      { tasks: [task({ name: 'b', dependencies: ['fetch-data', 'zzz'] }), task({ name: 'fetch_data' })] },
      '/tasks/0/dependencies/0: unknown task "fetch-data" (did you mean "fetch_data"?)',
    ],
    ['a self dependency', { tasks: [task({ dependencies: ['a'] })] }, '/tasks/0/dependencies/0: task "a" depends on itself'],
    ['a duplicate name', { tasks: [task(), task()] }, '/tasks/1/name: duplicate task name "a" (first at /tasks/0)'],
    ['a name with a slash', { tasks: [task({ name: '../etc/passwd' })] }, '/tasks/0/name: "../etc/passwd" is not a safe task name'],
    ['an empty name', { tasks: [task({ name: '' })] }, '/tasks/0/name: a task name must not be empty'],
    ['a too long name', { tasks: [task({ name: 'x'.repeat(101) })] }, '/tasks/0/name: a task name is at most 100 characters'],
    ['an unknown timezone', { tasks: [task({ timezone: 'Mars/Base' })] }, '/tasks/0/timezone:'],
    ['notifications without a webhook', { tasks: [task()], settings: { enable_notifications: true } }, '/settings/notification_webhook:'],
    ['tasks not an array', { tasks: {} }, '/tasks: expected an array, got an object'],
    ['an env name with "="', { tasks: [task({ env: { 'A=B': 'c' } })] }, '/tasks/0/env/A=B: "A=B" is not a valid environment variable name (it cannot hold "=")'],
    ['an empty env name', { tasks: [task({ env: { '': 'c' } })] }, '/tasks/0/env/: an environment variable name must not be empty'],
    ['an env name with a NUL byte', { tasks: [task({ env: { 'A\u0000B': 'c' } })] }, '/tasks/0/env: "A\\u0000B" is not a valid environment variable name (it cannot hold a NUL byte)'],
    ['an env name with a slash', { tasks: [task({ env: { 'A/B=': 'c' } })] }, '/tasks/0/env/A~1B=: "A/B="'],
    ['an env value with a NUL byte', { tasks: [task({ env: { A: 'x\u0000y' } })] }, '/tasks/0/env/A: an environment value must not hold a NUL byte'],
    ['a command with a NUL byte', { tasks: [task({ command: 'echo a\u0000b' })] }, '/tasks/0/command: must not hold a NUL byte'],
    ['a cwd with a NUL byte', { tasks: [task({ cwd: 'a\u0000' })] }, '/tasks/0/cwd: must not hold a NUL byte'],
    ['a config that is an array', [], '/: expected an object, got an array'],
  ])('refuses %s, naming the JSON path', (_label, value, expected) => {
    expect(problems(value).some((line) => line.startsWith(expected))).toBe(true);
  });

  it('names the whole cycle', () => {
    const lines = problems({
      tasks: [task({ name: 'a', dependencies: ['b'] }), task({ name: 'b', dependencies: ['c'] }), task({ name: 'c', dependencies: ['a'] })],
    });
    expect(lines).toContain('/tasks/0/dependencies: dependency cycle: a -> b -> c -> a (each task depends on the next)');
  });

  it('reports every problem at once, in file order', () => {
    const lines = problems({
      tasks: [task({ retries: 1 }), task({ name: 'b', schedule: 'bogus' }), task({ name: 'c', dependencies: ['zz'] })],
      settings: { max_concurrent_tasks: 0 },
    });
    expect(lines.length).toBe(4);
    expect(lines[0]).toMatch(/^\/settings\/max_concurrent_tasks/);
    expect(lines[1]).toMatch(/^\/tasks\/0\/retries: unknown key/);
    expect(lines[2]).toMatch(/^\/tasks\/1\/schedule/);
    expect(lines[3]).toMatch(/^\/tasks\/2\/dependencies\/0/);
  });

  it('accepts env names a shell would not, as long as execve can pass them', () => {
    expect(problems({ tasks: [task({ env: { 'my.var': '1', 'X-Y': '2', _a: '' } })] })).toEqual([]);
  });

  it('stops listing cycles at 100, and says there are more', () => {
    const n = 5_000;
    const tasks = Array.from({ length: n }, (_, i) => task({ name: `t${i}`, dependencies: i < n - 1 ? [`t${i + 1}`] : [] }));
    tasks[n - 1] = task({ name: `t${n - 1}`, dependencies: Array.from({ length: n - 1 }, (_, i) => `t${i}`) });
    const lines = problems({ tasks });
    expect(lines.filter((line) => line.includes('dependency cycle:')).length).toBe(100);
    expect(lines).toContain('/tasks: more dependency cycles than the 100 listed; fix these and validate again');
  });

  it('refuses a duration over a year, and 1e309 (which JSON reads as Infinity), naming the path: they would reach timers and the spawn helper as nonsense', () => {
    const parsed = parseJson('{"tasks":[{"name":"a","command":"true","kill_grace":1e309,"timeout":1e16,"retry_delay":31536001}]}', 'f.json');
    if (!parsed.ok) throw new Error('the JSON is valid');
    expect(problems(parsed.value)).toEqual([
      '/tasks/0/kill_grace: must be <= 31536000, got Infinity',
      '/tasks/0/retry_delay: must be <= 31536000, got 31536001',
      '/tasks/0/timeout: must be <= 31536000, got 10000000000000000',
    ]);
    expect(problems({ tasks: [task({ kill_grace: 31_536_000, timeout: 31_536_000 })] })).toEqual([]);
  });

  it('refuses a command of only spaces, as it refuses an empty one: it would do nothing and succeed', () => {
    const result = validateConfig({ tasks: [{ name: 'a', command: '   ' }, { name: 'b', command: '' }, { name: 'c', command: ' true ' }] });
    expect(result.ok).toBe(false);
    expect((result.ok ? [] : result.problems).map((p) => [p.where, p.message])).toEqual([
      ['/tasks/0/command', 'must not be only spaces (it would do nothing and succeed)'],
      ['/tasks/1/command', 'must not be empty'],
    ]);
  });

  it('suggests the key that was probably meant', () => {
    expect(problems({ tasks: [task({ retry_cuont: 2 })] })).toContain('/tasks/0/retry_cuont: unknown key (did you mean "retry_count"?)');
  });
});

describe('when a dependency is disabled', () => {
  it('accepts the config with a warning naming it', () => {
    const result = validateConfig({ tasks: [task({ name: 'a', enabled: false }), task({ name: 'b', dependencies: ['a'] })] });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.message)).toEqual(['dependency a is disabled, so "b" will always be skipped']);
  });
});

describe('a task with a queue while the executor is local', () => {
  it('is accepted with a warning that it runs on this machine; none with the queue executor', () => {
    const result = validateConfig({ tasks: [task({ name: 'train', queue: 'gpu' })] });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([{ where: '/tasks/0/queue', message: '"gpu" has no effect: settings.executor.type is local, so "train" runs on this machine' }]);
    const queued = validateConfig({ tasks: [task({ name: 'train', queue: 'gpu' })], settings: { executor: { type: 'queue', redis_url: 'redis://127.0.0.1:6379/0' } } });
    expect(queued.warnings).toEqual([]);
  });
});

describe('when the JSON itself is malformed', () => {
  it.each([
    ['a trailing comma, named where it is', '{\n  "tasks": [],\n}', 'f.json:2:14: invalid JSON: trailing comma'],
    ['a missing colon', '{\n  "tasks" []\n}', "f.json:2:11: invalid JSON: unexpected '[', expected ':'"],
    ['a truncated file', '{"tasks": [', 'f.json:1:12: invalid JSON: unexpected end of file'],
    ['a bad literal', '{"tasks": tru}', "f.json:1:11: invalid JSON: unexpected 't'"],
    ['text after the value', '{}\nx', "f.json:2:1: invalid JSON: unexpected 'x' after the end"],
    ['an empty file', '  \n', 'f.json: the file is empty'],
  ])('says where for %s', (_label, text, expected) => {
    const result = parseJson(text, 'f.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(`${result.problem.where}: ${result.problem.message}`.startsWith(expected)).toBe(true);
  });

  it('says where a deeply nested value goes wrong, without recursion', () => {
    const result = parseJson(`{"tasks": ${'['.repeat(1_000_000)}1,]`, 'f.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(`${result.problem.where}: ${result.problem.message}`).toBe("f.json:1:1000012: invalid JSON: trailing comma before ']'");
  });

  it.each([
    ['nested arrays', '{"a": [[1, [2]], []] ,"b":{"c":{}}}'],
    ['an object in an array', '[{"a": 1}, {"b": [true, false, null]}]'],
  ])('finds no error in valid JSON: %s', (_label, text) => {
    expect(findJsonError(text)).toBeNull();
  });

  it('counts a lone CR (an old Mac file) as a line end, as \\n and \\r\\n', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const parsed = parseJson(`{${eol}"tasks": [${eol}  {"name": "a"},${eol}]}`, 'c.json');
      expect(parsed.ok ? null : parsed.problem.where, JSON.stringify(eol)).toBe('c.json:3:16');
    }
  });

  it('accepts a byte-order mark', () => {
    expect(parseJson('\ufeff{"tasks": []}', 'f.json').ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { configChanges, describeChanges } from '../../../src/core/config/configChanges.js';
import { withDefaults } from '../../../src/core/config/defaults.js';
import { isLoopbackHost } from '../../../src/core/config/httpProblems.js';
import { validateConfig } from '../../../src/core/config/validateConfig.js';

const tasks = [{ name: 'a', command: 'true' }];

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['127.0.0.256', false],
    ['example.org', false],
  ])('%s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('settings.http in a config', () => {
  it('is on by default, on 127.0.0.1:8080, loopback only, no extra tokens', () => {
    expect(withDefaults({ tasks }).settings.http).toEqual({ enabled: true, host: '127.0.0.1', port: 8080, allow_remote: false, tokens: [] });
  });

  it.each([
    [{ host: '0.0.0.0' }, '/settings/http/host', /not a loopback address.*allow_remote: true/],
    [{ tokens: [{ label: 'default', env: 'X' }] }, '/settings/http/tokens/0/label', /the main token's label/],
    [{ tokens: [{ label: 'ci', env: 'A' }, { label: 'ci', env: 'B' }] }, '/settings/http/tokens/1/label', /duplicate label "ci"/],
    [{ tokens: [{ label: 'ci', env: 'NOT-A-NAME' }] }, '/settings/http/tokens/0/env', /not an environment variable name/],
    [{ tokens: [{ label: 'ci' }] }, '/settings/http/tokens/0/env', /required key is missing/],
    [{ port: 70000 }, '/settings/http/port', /65535/],
  ])('refuses %o at its pointer', (http, where, message) => {
    const result = validateConfig({ tasks, settings: { http } });
    expect(result.ok).toBe(false);
    const problem = !result.ok ? result.problems.find((p) => p.where === where) : undefined;
    expect(problem?.message).toMatch(message);
  });

  it.each([{ host: '0.0.0.0', allow_remote: true }, { host: '0.0.0.0', enabled: false }, { tokens: [{ label: 'ci', env: 'CI_TOKEN' }] }])('takes %o', (http) => {
    expect(validateConfig({ tasks, settings: { http } }).ok).toBe(true);
  });
});

describe('configChanges: what a reload changed, for the audit log', () => {
  it('names tasks added, removed, changed (with the fields) and settings changed', () => {
    const before = withDefaults({ tasks: [{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }] });
    const after = withDefaults({
      tasks: [{ name: 'a', command: 'false', schedule: '@daily' }, { name: 'c', command: 'true' }],
      settings: { max_concurrent_tasks: 5 },
    });
    const changes = configChanges(before, after);
    expect(changes).toEqual({ added: ['c'], removed: ['b'], changed: [{ task: 'a', fields: ['command', 'schedule'] }], settings: ['max_concurrent_tasks'] });
    expect(describeChanges(changes)).toBe('added c; removed b; changed a (command, schedule); settings max_concurrent_tasks');
  });

  it('says nothing when nothing changed', () => {
    const config = withDefaults({ tasks });
    expect(describeChanges(configChanges(config, withDefaults({ tasks })))).toBeNull();
  });
});

describe('with the HTTP server off', () => {
  const gated = { name: 'gate', command: 'true', approval: { timeout: 60 } };
  const hook = { name: 'hook', command: 'true', webhook: {} };

  it('warns that a webhook cannot be delivered and an approval gate cannot be answered', () => {
    const result = validateConfig({ tasks: [gated, hook], settings: { http: { enabled: false } } });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.where)).toEqual(['/tasks/0/approval', '/tasks/1/webhook']);
    expect(result.warnings[0]?.message).toContain('approve and reject reach the daemon through its API');
    expect(result.warnings[1]?.message).toContain('nothing can deliver to this webhook');
  });

  it('says nothing of them with the server on (the default)', () => {
    expect(validateConfig({ tasks: [gated, hook] }).warnings).toEqual([]);
  });
});

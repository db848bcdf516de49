// A task's `webhook` block (spec/triggers.md): the defaults, what the schema refuses with its
// JSON pointer, and the app's check that a named secret variable is set.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';
import { webhookSecretProblems } from '../../../src/app/webhook/webhookSecrets.js';

const hookTask = (webhook: unknown) => ({ name: 'on_push', command: './deploy.sh', webhook });

function problems(value: unknown): string[] {
  const result = validateConfig(value);
  return result.ok ? [] : result.problems.map((p) => `${p.where}: ${p.message}`);
}

describe('when a task takes a webhook', () => {
  it.each([
    [{}, { secret_env: null, events: null }],
    [{ secret_env: 'GITHUB_WEBHOOK_SECRET' }, { secret_env: 'GITHUB_WEBHOOK_SECRET', events: null }],
    [{ events: ['push', 'release'] }, { secret_env: null, events: ['push', 'release'] }],
  ])('fills %j as %j', (webhook, expected) => {
    const result = validateConfig({ tasks: [hookTask(webhook), { name: 'plain', command: 'true' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.tasks[0]?.webhook).toEqual(expected);
    expect(result.config.tasks[1]?.webhook).toBeNull();
  });

  it.each([
    [{ secret_env: 'NOT-A-NAME' }, '/tasks/0/webhook/secret_env'],
    [{ secret_env: '' }, '/tasks/0/webhook/secret_env'],
    [{ events: [] }, '/tasks/0/webhook/events'],
    [{ events: ['push', 'push'] }, '/tasks/0/webhook/events'],
    [{ events: [''] }, '/tasks/0/webhook/events/0'],
    [{ secret: 'inline' }, '/tasks/0/webhook/secret: unknown key'],
    ['push', '/tasks/0/webhook'],
  ])('refuses %j at %s', (webhook, where) => {
    expect(problems({ tasks: [hookTask(webhook)] }).some((p) => p.startsWith(where))).toBe(true);
  });
});

describe('webhookSecretProblems', () => {
  const config = () => {
    const tasks = [hookTask({}), { ...hookTask({ secret_env: 'HOOK_A' }), name: 'signed' }, { ...hookTask({ secret_env: 'HOOK_B' }), name: 'other' }];
    const result = validateConfig({ tasks });
    if (!result.ok) throw new Error('the config should be valid');
    return result.config;
  };
  it.each([
    [{ HOOK_A: 'x', HOOK_B: 'y' }, []],
    [{ HOOK_A: 'x' }, ['/tasks/2/webhook/secret_env']],
    [{ HOOK_A: '', HOOK_B: 'y' }, ['/tasks/1/webhook/secret_env']],
    [{}, ['/tasks/1/webhook/secret_env', '/tasks/2/webhook/secret_env']],
  ])('with %j: problems at %j', (env, where) => {
    const found = webhookSecretProblems(config(), env);
    expect(found.map((p) => p.where)).toEqual(where);
    for (const problem of found) {
      const name = /HOOK_[AB]/.exec(problem.message)?.[0] as keyof typeof env;
      // Said as it is: a variable set to nothing is empty, not unset.
      const state = env[name] === undefined ? 'not set' : 'empty';
      expect(problem.message).toMatch(new RegExp(`the environment variable ${name} \\(the webhook secret of task "(signed|other)"\\) is ${state};`));
    }
  });
});

// A webhook's `secret_env` is read from the environment, so whether it is set is the app's
// check, not the config's (spec/triggers.md: an unset one is a config error at validate and at
// start; the daemon refuses to serve unauthenticated a hook it was told to protect). The same
// kind of check as the API tokens' variables (app/api/apiTokens.ts).
import type { Problem } from '../../core/errors.js';
import type { Config } from '../../core/types.js';

/** Every webhook whose secret variable is unset or empty, with its JSON pointer. */
export function webhookSecretProblems(config: Config, env: NodeJS.ProcessEnv = process.env): Problem[] {
  return config.tasks.flatMap((task, index) => secretEnvProblems(task.name, task.webhook?.secret_env ?? null, index, env));
}

/** The problem of one task's `webhook.secret_env` (unset in the environment), if any. */
export function secretEnvProblems(task: string, name: string | null, index: number, env: NodeJS.ProcessEnv = process.env): Problem[] {
  if (!name || (env[name] ?? '') !== '') return [];
  return [
    {
      where: `/tasks/${index}/webhook/secret_env`,
      message: `the environment variable ${name} (the webhook secret of task "${task}") is ${env[name] === undefined ? 'not set' : 'empty'}; set it where the daemon starts, or remove secret_env to use the API token`,
    },
  ];
}

/** The secret of a task's webhook now, or null when it has none (the hook takes the API token). */
export function webhookSecret(secretEnv: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (secretEnv === null) return null;
  const value = env[secretEnv] ?? '';
  if (value === '') throw new Error(`the environment variable ${secretEnv} is ${env[secretEnv] === undefined ? 'not set' : 'empty'}`);
  return value;
}

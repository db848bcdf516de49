// A webhook's `secret_env` is read from the environment, so whether it is set is the app's
// check, not the config's (spec/triggers.md: an unset one is a config error at validate and at
// start; the daemon refuses to serve unauthenticated a hook it was told to protect). The same
// kind of check as the API tokens' variables (app/api/apiTokens.ts).
import type { Problem } from '../../core/errors.js';
import type { Config } from '../../core/types.js';

/** Every webhook whose secret variable is unset or empty, with its JSON pointer. */
export function webhookSecretProblems(config: Config, env: NodeJS.ProcessEnv = process.env): Problem[] {
  const problems: Problem[] = [];
  config.tasks.forEach((task, index) => {
    const name = task.webhook?.secret_env;
    if (!name || (env[name] ?? '') !== '') return;
    problems.push({
      where: `/tasks/${index}/webhook/secret_env`,
      message: `the environment variable ${name} (the webhook secret of task "${task.name}") is not set; set it where the daemon starts, or remove secret_env to use the API token`,
    });
  });
  return problems;
}

/** The secret of a task's webhook now, or null when it has none (the hook takes the API token). */
export function webhookSecret(secretEnv: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (secretEnv === null) return null;
  const value = env[secretEnv] ?? '';
  if (value === '') throw new Error(`the environment variable ${secretEnv} is not set`);
  return value;
}

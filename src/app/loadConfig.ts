// Read, then parse, then validate the config: the one way every command gets a Config.
import path from 'node:path';
import { readConfigText } from '../adapters/configFile.js';
import { ConductorError, type Problem } from '../core/errors.js';
import { duplicateKeys } from '../core/config/duplicateKeys.js';
import { tokenEnvProblems } from '../core/config/httpProblems.js';
import { parseJson } from '../core/config/parseJson.js';
import { validateConfig } from '../core/config/validateConfig.js';
import type { Config } from '../core/types.js';
import { watchPathProblems, watchSpecProblems } from './watchConfig.js';
import { secretEnvProblems, webhookSecretProblems } from './webhook/webhookSecrets.js';

export interface LoadedConfig {
  config: Config;
  warnings: Problem[];
  /** The path as shown to the user. */
  shown: string;
}

/** A path as the user would like to read it: relative to the current directory when inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * `home`: also check what the config names on disk (watched folders: spec/triggers.md) and in the
 * environment (webhook secrets, extra API tokens), as validate, start and reload do; a watch
 * task's `run --task` checks the folders only (`secrets: false`: it serves no hook and no API);
 * every other command reads only.
 */
export function loadConfig(file: string, home?: string, options: { secrets?: boolean } = {}): LoadedConfig {
  const secrets = options.secrets ?? true;
  const shown = shownPath(file);
  const text = readConfigText(file, shown);
  const parsed = parseJson(text, shown);
  if (!parsed.ok) {
    throw new ConductorError('CONFIG_JSON', `${formatProblemInline(parsed.problem)}`, { located: parsed.problem });
  }
  const result = validateConfig(parsed.value);
  const problems = result.ok
    ? home === undefined
      ? []
      : [...watchPathProblems(result.config, home), ...(secrets ? [...webhookSecretProblems(result.config), ...httpTokenProblems(result.config)] : [])]
    : [...result.problems, ...(home === undefined ? [] : rawHomeProblems(parsed.value, home, result.problems, secrets))];
  if (!result.ok || problems.length > 0) {
    const count = problems.length;
    throw new ConductorError('CONFIG_INVALID', `${shown}: invalid config, ${count} problem${count === 1 ? '' : 's'}:`, { problems });
  }
  // Keys given twice are looked for only where a person checks the config (validate, start, a
  // reload): JSON keeps the last one silently, which can drop a whole task list.
  const twice = home === undefined ? [] : duplicateKeys(text).map(
    (d): Problem => ({ where: d.pointer, message: `given twice (lines ${d.firstLine} and ${d.line}); the last one counts, the first is ignored` }),
  );
  return { config: result.config, warnings: [...twice, ...result.warnings], shown };
}

/** The extra API tokens' variables, when the daemon would serve HTTP: start refuses an unset one. */
function httpTokenProblems(config: Config): Problem[] {
  const http = config.settings.http;
  return http.enabled ? tokenEnvProblems(http.tokens, process.env) : [];
}

function formatProblemInline(problem: Problem): string {
  return `${problem.where}: ${problem.message}`;
}

/**
 * The disk and environment checks, on a config that failed validation elsewhere: every problem is
 * listed at once, so those of a well-formed `watch` or `webhook` are not kept for a second pass.
 * Only fields that are strings are looked at; a field the validation refused is not looked at again.
 */
function rawHomeProblems(value: unknown, home: string, refused: Problem[], secrets: boolean): Problem[] {
  const tasks = (value as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const object = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  const found: Problem[] = [];
  tasks.forEach((raw, index) => {
    const task = object(raw);
    if (!task) return;
    const watch = object(task.watch);
    const watchPath = text(watch?.path);
    if (watch && watchPath !== null) {
      const folders = { path: watchPath, processed_dir: text(watch.processed_dir), failed_dir: text(watch.failed_dir), json_schema: text(watch.json_schema) };
      found.push(...watchSpecProblems(folders, `/tasks/${index}/watch`, home));
    }
    if (secrets) found.push(...secretEnvProblems(text(task.name) ?? `#${index}`, text(object(task.webhook)?.secret_env), index));
  });
  return found.filter((problem) => !refused.some((r) => r.where === problem.where || problem.where.startsWith(`${r.where}/`)));
}

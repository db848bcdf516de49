// Read, then parse, then validate the config: the one way every command gets a Config.
import path from 'node:path';
import { readConfigText } from '../adapters/configFile.js';
import { ConductorError, type Problem } from '../core/errors.js';
import { parseJson } from '../core/config/parseJson.js';
import { validateConfig } from '../core/config/validateConfig.js';
import type { Config } from '../core/types.js';
import { watchPathProblems } from './watchConfig.js';
import { webhookSecretProblems } from './webhook/webhookSecrets.js';

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
 * environment (webhook secrets), as validate, start, reload and a watch task's `run --task` do;
 * every other command reads only.
 */
export function loadConfig(file: string, home?: string): LoadedConfig {
  const shown = shownPath(file);
  const text = readConfigText(file, shown);
  const parsed = parseJson(text, shown);
  if (!parsed.ok) {
    throw new ConductorError('CONFIG_JSON', `${formatProblemInline(parsed.problem)}`);
  }
  const result = validateConfig(parsed.value);
  const problems = result.ok ? (home === undefined ? [] : [...watchPathProblems(result.config, home), ...webhookSecretProblems(result.config)]) : result.problems;
  if (!result.ok || problems.length > 0) {
    const count = problems.length;
    throw new ConductorError('CONFIG_INVALID', `${shown}: invalid config, ${count} problem${count === 1 ? '' : 's'}:`, { problems });
  }
  return { config: result.config, warnings: result.warnings, shown };
}

function formatProblemInline(problem: Problem): string {
  return `${problem.where}: ${problem.message}`;
}

// The API's tokens. The main one (label `default`) is $CONDUCTOR_API_TOKEN if set, else the
// content of status/api.token, made at the daemon's first start (32 random bytes, hex, mode
// 0600) and reused; the CLI reads the same. Extra ones are named by settings.http.tokens, each
// read from its environment variable at start: an unset one is a config error naming it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MAIN_TOKEN_LABEL, tokenEnvProblems } from '../../core/config/httpProblems.js';
import { ConductorError } from '../../core/errors.js';
import type { HttpSettings } from '../../core/types.js';
import type { HomePaths } from '../paths.js';

export interface ApiToken {
  label: string;
  value: string;
}

export const TOKEN_ENV = 'CONDUCTOR_API_TOKEN';

export function tokenFile(paths: HomePaths): string {
  return path.join(paths.statusDir, 'api.token');
}

/** The daemon's tokens, the main one first (its file made now if needed). */
export function resolveTokens(paths: HomePaths, http: HttpSettings, env: NodeJS.ProcessEnv = process.env): ApiToken[] {
  const problems = tokenEnvProblems(http.tokens, env);
  if (problems.length > 0) {
    throw new ConductorError('CONFIG_INVALID', `settings.http.tokens: ${problems.length === 1 ? 'a token is' : `${problems.length} tokens are`} missing:`, { problems });
  }
  const main = env[TOKEN_ENV] ? (env[TOKEN_ENV] as string) : ensureTokenFile(tokenFile(paths));
  return [{ label: MAIN_TOKEN_LABEL, value: main }, ...http.tokens.map((t) => ({ label: t.label, value: env[t.env] as string }))];
}

/** The main token as a client (the CLI) finds it: the variable, else the file; never creates it. */
export function readMainToken(paths: HomePaths, env: NodeJS.ProcessEnv = process.env): string {
  if (env[TOKEN_ENV]) return env[TOKEN_ENV] as string;
  const file = tokenFile(paths);
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value !== '') return value;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new ConductorError('USAGE', `cannot read the API token ${file}: ${(error as Error).message}; run as the daemon's user, or set ${TOKEN_ENV}`);
    }
  }
  throw new ConductorError('USAGE', `no API token: ${file} is missing or empty and ${TOKEN_ENV} is not set`);
}

function ensureTokenFile(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing !== '') return existing;
    fs.rmSync(file); // an empty file (a crash while it was made): a new token
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConductorError('PATH_NOT_WRITABLE', `cannot read the API token ${file}: ${(error as Error).message}`);
    }
  }
  // node:crypto is loaded here, when a token is made (the daemon's first start), not by every `run`.
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const value = randomBytes(32).toString('hex');
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${value}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return value;
}

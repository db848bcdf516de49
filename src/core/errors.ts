// One catalogue of error codes, and one error type that carries a code and a location,
// so that every message the user sees is made in one place (formatProblem).

import { visible } from './format/visible.js';

export type ErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_EMPTY'
  | 'CONFIG_JSON'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_TASK'
  | 'USAGE'
  | 'PATH_NOT_WRITABLE'
  | 'DATABASE'
  | 'DAEMON_RUNNING'
  | 'INPUT_INVALID'
  | 'WORKER_NAME_TAKEN'
  | 'NODE_NAME_TAKEN'
  | 'DAEMON_LOST'
  | 'INTERNAL';

/** Exit codes of the contract. */
export const EXIT = {
  ok: 0,
  usage: 1,
  interrupted: 3,
  taskFailed: 8,
} as const;

/** One problem found in user input; `where` is a JSON pointer, a task name, or file:line:col. */
export interface Problem {
  where: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  // A key or a value quoted from a file may hold control characters: shown as escapes.
  return visible(problem.where ? `${problem.where}: ${problem.message}` : problem.message);
}

/** Why the conductor refuses to go on: a code, a summary and the problems behind it. */
export class ConductorError extends Error {
  readonly code: ErrorCode;
  readonly problems: Problem[];
  readonly exitCode: number;
  /**
   * The one place the input goes wrong, when the summary already says it (a JSON syntax error:
   * `file:line:col`): not repeated in `lines()`, listed as the problem in JSON output.
   */
  readonly located: Problem | null;

  constructor(
    code: ErrorCode,
    message: string,
    options: { problems?: Problem[]; cause?: unknown; exitCode?: number; located?: Problem } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConductorError';
    this.code = code;
    this.problems = options.problems ?? [];
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.located = options.located ?? null;
  }

  /** Every line a user should read, summary first. */
  lines(): string[] {
    return [this.message, ...this.problems.map((p) => `  ${formatProblem(p)}`)];
  }
}

export function isConductorError(error: unknown): error is ConductorError {
  return error instanceof ConductorError;
}

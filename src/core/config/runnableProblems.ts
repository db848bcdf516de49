// What a config must hold for its commands to be started at all: execve(2) takes the command,
// the working directory and the environment as C strings and `NAME=value` pairs, so a NUL byte
// anywhere, or a `=` in a variable's name, would pass validation only to fail (or run something
// else) at the first run. These are refused up front, each with its JSON pointer.
import type { Problem } from '../errors.js';
import { describeValue, escapePointer } from './schemaProblems.js';

/** Why `name` cannot be an environment variable's name, or null when it can. */
export function badEnvNameReason(name: string): string | null {
  if (name === '') return 'an environment variable name must not be empty';
  if (name.includes('=')) return `${describeValue(name)} is not a valid environment variable name (it cannot hold "=")`;
  if (name.includes('\0')) return `${describeValue(name)} is not a valid environment variable name (it cannot hold a NUL byte)`;
  return null;
}

/** Problems of one task (at `/tasks/<index>`) that would stop its process from starting. */
export function runnableProblems(task: Record<string, unknown>, index: number): Problem[] {
  const problems: Problem[] = [];
  const at = `/tasks/${index}`;
  for (const key of ['command', 'cwd'] as const) {
    const value = task[key];
    if (typeof value === 'string' && value.includes('\0')) problems.push({ where: `${at}/${key}`, message: 'must not hold a NUL byte' });
  }
  // Only blanks would run as a shell that does nothing and succeeds: refused as "" is.
  if (typeof task.command === 'string' && task.command !== '' && task.command.trim() === '') {
    problems.push({ where: `${at}/command`, message: 'must not be only spaces (it would do nothing and succeed)' });
  }
  const env = task.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return problems;
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    // A name with control characters is named in the message, not printed raw in the pointer.
    const where = /[\0-\x1f\x7f]/.test(name) ? `${at}/env` : `${at}/env/${escapePointer(name)}`;
    const reason = badEnvNameReason(name);
    if (reason) problems.push({ where, message: reason });
    else if (typeof value === 'string' && value.includes('\0')) {
      problems.push({ where, message: 'an environment value must not hold a NUL byte' });
    }
  }
  return problems;
}

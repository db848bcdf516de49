// Where the CLI keeps V8's caches of its compiled code (see chunkLoader.ts), and the word between
// the bin, which loads the chunks, and the CLI, which knows when a command has really run.
import path from 'node:path';
import { EXIT } from '../core/errors.js';

/** Set by the CLI when yargs hands the arguments to a command (not for --help, a typo, a bad flag). */
const COMMAND_RAN = Symbol.for('symphony-conductor.command-ran');

/** Says that a command is running: its caches are worth keeping. */
export function markCommandRan(): void {
  (globalThis as Record<symbol, unknown>)[COMMAND_RAN] = true;
}

/** Whether to write the caches at exit: a command ran and did its work (the run of a task may have failed). */
export function worthKeeping(exitCode: number): boolean {
  return (globalThis as Record<symbol, unknown>)[COMMAND_RAN] === true && (exitCode === EXIT.ok || exitCode === EXIT.taskFailed);
}

/**
 * The caches of `command`, or null for none: beside the chunks (dist/cli/compile-cache), one
 * folder per Node version and command, as each command compiles its own functions. None for
 * `start` (the daemon runs with its own V8 flags, compiles once and stays) or when
 * CONDUCTOR_NO_COMPILE_CACHE is set.
 */
export function compileCacheDir(chunkDir: string, command: string | null, env: NodeJS.ProcessEnv): string | null {
  if (env.CONDUCTOR_NO_COMPILE_CACHE) return null;
  if (command === null || command === 'start' || !/^[a-z][a-z0-9-]{0,39}$/.test(command)) return null;
  return path.join(chunkDir, 'compile-cache', `${process.version}-${process.arch}`, command);
}

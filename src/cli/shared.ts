// What every command shares: the global flags, where the home is, and how to print.
import { homePaths, resolveHome, type HomePaths } from '../app/paths.js';

export interface GlobalArgs {
  home?: string;
  config?: string;
}

export function pathsFrom(argv: GlobalArgs): HomePaths {
  return homePaths(resolveHome(argv.home), argv.config);
}

/**
 * Flag checks for yargs' .check(): each returns the usage message, or null when the flag is
 * fine; firstProblem() hands yargs the first message (a string), which main.ts prints as a usage
 * error with exit 1. A check must not throw: yargs cannot tell a thrown Error from a crash.
 */
export function firstProblem(...problems: Array<string | null>): true | string {
  return problems.find((problem) => problem !== null) ?? true;
}

/** `--limit 0`, `-n 1e7`, `-n abc`: a whole number in [min, max], said with the bounds. */
export function wholeNumberProblem(flag: string, value: unknown, min: number, max: number): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return null;
  const got = typeof value === 'number' && !Number.isNaN(value) ? String(value) : JSON.stringify(String(value));
  return `${flag} takes a whole number from ${min} to ${max}; got ${got === '"NaN"' ? 'something that is not a number' : got}.`;
}

/** `--task=` gives an empty string, which would silently mean "all tasks" or "no such run". */
export function emptyProblem(flag: string, value: unknown): string | null {
  return value === '' ? `${flag} needs a value.` : null;
}

/** A flag given twice (`--task a --task b`) arrives as an array; only options declared as arrays may repeat. */
export function repeatedProblem(argv: Record<string, unknown>, options: { array?: string[] }): string | null {
  const arrays = new Set(options.array ?? []);
  // An alias arrives as the same array under each name (-n and --limit): name the longest.
  const repeated = Object.keys(argv)
    .filter((key) => key !== '_' && key !== '$0' && Array.isArray(argv[key]) && !arrays.has(key))
    .sort((a, b) => b.length - a.length);
  const key = repeated[0];
  if (key === undefined) return null;
  return `${key.length === 1 ? '-' : '--'}${key} was given ${(argv[key] as unknown[]).length} times; give it once.`;
}

/** JSON when asked, or when stdout is not a terminal (SPEC: status). */
export function wantJson(argv: { json?: boolean }): boolean {
  return argv.json === true || !process.stdout.isTTY;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

let outputIsTheWork = false;

/**
 * Called by commands whose only work is what they print (status, history, next, graph, logs,
 * validate): when the reader of their output goes away, they stop at once (main.ts). Every
 * other command (run, start, maintenance) goes on with its work and its output discarded.
 */
export function stopWhenOutputCloses(): void {
  outputIsTheWork = true;
}

export function isOutputTheWork(): boolean {
  return outputIsTheWork;
}

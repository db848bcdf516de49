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

/**
 * `--limit 0`, `-n 1e7`, `-n abc`: a whole number in [min, max], said with the bounds and what
 * was given. `names`: every spelling of the flag (`--limit`, `-n`), to find what was typed.
 */
export function wholeNumberProblem(flag: string, value: unknown, min: number, max: number, names: readonly string[] = [flag]): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return null;
  return `${flag} takes a whole number from ${min} to ${max}; got ${givenNumber(value, names)}.`;
}

let typedArgs: readonly string[] = [];

/** main.ts keeps the words of the command line here, for messages that echo a value as typed. */
export function keepTypedArgs(args: readonly string[]): void {
  typedArgs = args;
}

/**
 * A number flag's value for a message: the number, or, where yargs could not read one (it gives
 * NaN and drops the text), the text as it was typed (`"abc"`), found in the command line.
 */
export function givenNumber(value: unknown, names: readonly string[]): string {
  // `--limit=` or `--limit ""` arrives as 0: say what was typed, nothing.
  if (value === 0 && typedValue(names) === '') return 'nothing';
  if (typeof value === 'number' && !Number.isNaN(value)) return String(value);
  if (typeof value !== 'number') return JSON.stringify(String(value));
  const typed = typedValue(names);
  return typed === null ? 'something that is not a number' : JSON.stringify(typed);
}

/** The value typed last after one of `names` (`--days abc`, `--days=abc`, `-n abc`), or null. */
function typedValue(names: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < typedArgs.length; i++) {
    const word = typedArgs[i] ?? '';
    if (word === '--') break;
    for (const name of names) {
      if (word === name) found = typedArgs[i + 1] ?? null;
      else if (word.startsWith(`${name}=`)) found = word.slice(name.length + 1);
    }
  }
  return found;
}

/** `--task=` gives an empty string, which would silently mean "all tasks" or "no such run". */
export function emptyProblem(flag: string, value: unknown): string | null {
  return value === '' ? `${flag} needs a value.` : null;
}

/**
 * Any flag that takes text, given empty (`--root=`, `--since ""`): refused, as `--task=` is. An
 * empty path would quietly mean the current directory (`inventory --root=` scanned it). A comment
 * may be empty.
 */
export function emptyFlagProblem(argv: Record<string, unknown>, options: { string?: string[] }): string | null {
  for (const key of options.string ?? []) {
    if (key === 'comment' || key.length === 1 || /[A-Z]/.test(key)) continue; // aliases and camelCase copies name the same flag
    const value = argv[key];
    if (value !== '' && !(Array.isArray(value) && value.includes(''))) continue;
    // A flag as typed; a positional (import-crontab's FILE, given as - for standard input) is not one.
    if (typedArgs.some((word) => word === `--${key}` || word.startsWith(`--${key}=`))) return `--${key} needs a value.`;
  }
  return null;
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

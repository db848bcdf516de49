// What every command shares: the global flags, where the home is, and how to print.
import { homePaths, resolveHome, type HomePaths } from '../app/paths.js';

export interface GlobalArgs {
  home?: string;
  config?: string;
}

export function pathsFrom(argv: GlobalArgs): HomePaths {
  return homePaths(resolveHome(argv.home), argv.config);
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

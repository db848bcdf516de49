// The two flags every maintenance command that works on a tree shares: `--root` and `--json`.
import type { Argv } from 'yargs';

export interface RootArgs {
  root?: string;
  json?: boolean;
}

/** Adds `--root DIR` and `--json` to a command's flags, typed for its handler. */
export function rootOption<T>(yargs: Argv<T>, describeRoot = 'target directory (default: the home); nothing outside it is touched'): Argv<T & RootArgs> {
  return yargs.option('root', { type: 'string', requiresArg: true, describe: describeRoot }).option('json', { type: 'boolean', describe: 'print the result as JSON' });
}

// Every flag that takes a value says so when it is given none (`graph --format` at the end of
// the line): yargs' "Not enough arguments following: format", exit 1, never a default taken
// silently or an empty string read as a path (`import-crontab X --output` was the current
// folder). Read from the command definitions, so a flag added later is checked too.
import yargs, { type Argv, type CommandModule } from 'yargs';
import { describe, expect, it } from 'vitest';
import { coreCommands } from '../../src/cli/commands/index.js';
import { maintenanceCommands } from '../../src/cli/commands/maintenance/index.js';

interface ParsedOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  count: string[];
  narg: Record<string, number>;
}

/** `command --flag` of every flag (subcommands too) that takes a value and does not require one. */
function flagsNotRequiringValues(modules: readonly CommandModule<any, any>[], above: string[] = []): string[] {
  return modules.flatMap((module) => {
    const name = [...above, String(module.command).split(' ')[0] ?? ''];
    const subcommands: CommandModule<any, any>[] = [];
    const instance = yargs([]);
    const recording: Argv<any> = new Proxy(instance, {
      get(target, property, receiver) {
        if (property === 'command') {
          return (first: unknown, describe?: string, builder?: unknown) => {
            subcommands.push(typeof first === 'object' ? (first as CommandModule<any, any>) : { command: first as string, describe: describe ?? '', builder: builder as never, handler: () => {} });
            return recording;
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result === target ? recording : result;
        };
      },
    });
    if (typeof module.builder === 'function') module.builder(recording);
    const options = (instance as unknown as { getOptions(): ParsedOptions }).getOptions();
    const aliases = new Set(Object.values(options.alias).flat());
    // `import-crontab <file>`, `cleanup restore [batch]`: positional arguments, not flags.
    const positionals = new Set(String(module.command).split(' ').slice(1).map((arg) => arg.replace(/^[<[]|[\]>]$/g, '')));
    const missing = Object.keys(options.key)
      .filter((key) => !aliases.has(key) && !positionals.has(key))
      .filter((key) => !options.boolean.includes(key) && !options.count.includes(key) && !(key in options.narg))
      .map((key) => `${name.join(' ')} --${key}`);
    return [...missing, ...flagsNotRequiringValues(subcommands, name)];
  });
}

describe('flags that take a value', () => {
  it('every one of every command requires its value (requiresArg)', () => {
    expect(flagsNotRequiringValues([...coreCommands, ...maintenanceCommands])).toEqual([]);
  });

  it('the check finds a flag that does not', () => {
    const loose: CommandModule<any, any> = { command: 'x', describe: 'x', builder: (y) => y.option('format', { choices: ['a', 'b'] }).option('json', { type: 'boolean' }), handler: () => {} };
    expect(flagsNotRequiringValues([loose])).toEqual(['x --format']);
  });
});

// The commands and flags a completion script offers, read from the yargs command definitions
// themselves: each builder is run on a fresh yargs instance that records the subcommands it
// registers, and the instance's options say the rest (aliases, types, choices, hidden ones).
// So a command added to coreCommands or maintenanceCommands later completes without a change
// here. Runs builders, never handlers.
import yargs, { type Argv, type CommandModule, type Options } from 'yargs';

/** What a flag's value (or a positional argument) is completed with; `none`: the flag takes no value. */
export type ValueKind =
  | { readonly kind: 'none' | 'any' | 'tasks' | 'files' | 'dirs' }
  | { readonly kind: 'words'; readonly words: readonly string[] };

export interface FlagSpec {
  /** `--task`, `-t`, ... */
  readonly names: readonly string[];
  readonly describe: string;
  readonly value: ValueKind;
}

export interface CommandSpec {
  readonly name: string;
  readonly describe: string;
  readonly flags: readonly FlagSpec[];
  /** Positional arguments in order. */
  readonly positionals: readonly ValueKind[];
  readonly subcommands: readonly CommandSpec[];
}

interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  count: string[];
  number: string[];
  choices: Record<string, unknown[]>;
  hiddenOptions: string[];
}

/** The commands of `modules` (hidden ones, `describe: false`, left out). */
export function commandTree(modules: readonly CommandModule<any, any>[]): CommandSpec[] {
  return modules.flatMap((module) => {
    const spec = commandSpec(module);
    return spec ? [spec] : [];
  });
}

/** The flags of a configured instance: a command builder's, or the parser's global ones. */
export function flagsOf(instance: Argv<any>, skip: ReadonlySet<string> = new Set()): FlagSpec[] {
  const options = (instance as unknown as { getOptions(): YargsOptions }).getOptions();
  const describe = descriptions(instance);
  const aliasOf = new Set(Object.values(options.alias).flat());
  const flags: FlagSpec[] = [];
  for (const key of Object.keys(options.key)) {
    if (aliasOf.has(key) || skip.has(key) || options.hiddenOptions.includes(key)) continue;
    const names = [key, ...(options.alias[key] ?? [])].map((name) => (name.length === 1 ? `-${name}` : `--${name}`));
    flags.push({ names, describe: describe[key] ?? '', value: valueOf(key, options) });
  }
  return flags;
}

function commandSpec(module: CommandModule<any, any>): CommandSpec | null {
  const usages: readonly string[] = typeof module.command === 'string' ? [module.command] : (module.command ?? ['']);
  const [usage = ''] = usages;
  const [name = '', ...args] = usage.trim().split(/\s+/);
  if (name === '' || name === '$0' || module.describe === false) return null;
  const subcommands: CommandModule<any, any>[] = [];
  const instance = recording(yargs([]), subcommands);
  const baseline = new Set(Object.keys((instance as unknown as { getOptions(): YargsOptions }).getOptions().key));
  if (typeof module.builder === 'function') module.builder(instance);
  else if (module.builder) instance.options(module.builder as Record<string, Options>);
  const positionalNames = args.map((arg) => arg.replace(/^[<[]|[\]>]$/g, '').replace(/\.\.$/, '').split('|')[0] ?? '');
  const options = (instance as unknown as { getOptions(): YargsOptions }).getOptions();
  return {
    name,
    describe: typeof module.describe === 'string' ? module.describe : '',
    flags: flagsOf(instance, new Set([...baseline, ...positionalNames])),
    // A command with subcommands names them in its positional (`cleanup <command>`).
    positionals: subcommands.length > 0 ? [] : positionalNames.map((key) => valueOf(key, options)),
    subcommands: commandTree(subcommands),
  };
}

/** `instance`, with every `.command(...)` call recorded into `into` as a module. */
function recording(instance: Argv<any>, into: CommandModule<any, any>[]): Argv<any> {
  const proxy: Argv<any> = new Proxy(instance, {
    get(target, property, receiver) {
      const original = Reflect.get(target, property, receiver) as unknown;
      if (typeof original !== 'function') return original;
      if (property === 'command' || property === 'commands') {
        return (...args: unknown[]) => {
          const [first, describe, builder] = args;
          if (Array.isArray(first)) into.push(...(first as CommandModule<any, any>[]));
          else if (first && typeof first === 'object') into.push(first as CommandModule<any, any>);
          else if (typeof first === 'string') into.push({ command: first, describe: describe as string, builder: builder as never, handler: () => {} });
          return proxy;
        };
      }
      return (...args: unknown[]) => {
        const result = (original as (...a: unknown[]) => unknown).apply(target, args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

function valueOf(key: string, options: YargsOptions): ValueKind {
  const choices = options.choices[key];
  if (choices && choices.length > 0) return { kind: 'words', words: choices.map(String) };
  if (options.boolean.includes(key) || options.count.includes(key)) return { kind: 'none' };
  if (key === 'task') return { kind: 'tasks' };
  if (/^(home|root)$|dir$/.test(key)) return { kind: 'dirs' };
  // Paths by their name (`--config`, `--output`, `<file>`); other strings are times, sizes, ids.
  if (/(config|output|inventory|file|path)$/.test(key)) return { kind: 'files' };
  return { kind: 'any' };
}

/** Option descriptions as yargs' help shows them (its own carry a marker, dropped here). */
function descriptions(instance: Argv<any>): Record<string, string> {
  const internal = instance as unknown as { getInternalMethods?(): { getUsageInstance?(): { getDescriptions?(): Record<string, string> } } };
  const found = internal.getInternalMethods?.().getUsageInstance?.().getDescriptions?.() ?? {};
  return Object.fromEntries(
    Object.entries(found)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([key, text]) => [key, text.replace(/^__yargsString__:/, '')]),
  );
}

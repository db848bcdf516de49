// The command tree flattened into the tables every shell's script is written from: the
// subcommands and flags at each command path ('' is the top level, `cleanup restore` a
// subcommand), what each flag's value is, and what each positional argument is. The scripts
// walk the words typed so far to find the path, then look these tables up.
import type { CommandSpec, FlagSpec, ValueKind } from './commandTree.js';

export interface Entry {
  readonly name: string;
  readonly describe: string;
}

export interface CompletionTable {
  /** The program the script completes, e.g. `symphony-conductor`. */
  readonly program: string;
  /** Shell function names start with this (`_symphony_conductor`). */
  readonly prefix: string;
  readonly commands: ReadonlyMap<string, Entry[]>;
  readonly flags: ReadonlyMap<string, Entry[]>;
  readonly globalFlags: readonly Entry[];
  /** `path flag` (path `*` for a global flag) -> kind of its value; flags taking none are absent. */
  readonly values: ReadonlyMap<string, string>;
  /** `path index` (from 1) -> kind of that positional argument; `any` ones are absent. */
  readonly positionals: ReadonlyMap<string, string>;
}

export function completionTable(program: string, commands: readonly CommandSpec[], globals: readonly FlagSpec[]): CompletionTable {
  const table = {
    program,
    prefix: `_${program.replace(/[^A-Za-z0-9]/g, '_')}`,
    commands: new Map<string, Entry[]>(),
    flags: new Map<string, Entry[]>(),
    globalFlags: globals.flatMap(entries),
    values: new Map<string, string>(),
    positionals: new Map<string, string>(),
  };
  for (const flag of globals) addValues(table.values, '*', flag);
  addCommands(table, '', commands);
  return table;
}

/** A kind as the scripts spell it: tasks, files, dirs, any, or `words:a b c`; '' for no value. */
export function kindWord(value: ValueKind): string {
  if (value.kind === 'words') return `words:${value.words.join(' ')}`;
  return value.kind === 'none' ? '' : value.kind;
}

function addCommands(table: { commands: Map<string, Entry[]>; flags: Map<string, Entry[]>; values: Map<string, string>; positionals: Map<string, string> }, path: string, specs: readonly CommandSpec[]): void {
  if (specs.length === 0) return;
  table.commands.set(path, specs.map((spec) => ({ name: spec.name, describe: oneLine(spec.describe) })));
  for (const spec of specs) {
    const here = path === '' ? spec.name : `${path} ${spec.name}`;
    if (spec.flags.length > 0) table.flags.set(here, spec.flags.flatMap(entries));
    for (const flag of spec.flags) addValues(table.values, here, flag);
    spec.positionals.forEach((value, index) => {
      const kind = kindWord(value);
      if (kind !== '' && kind !== 'any') table.positionals.set(`${here} ${index + 1}`, kind);
    });
    addCommands(table, here, spec.subcommands);
  }
}

function addValues(values: Map<string, string>, path: string, flag: FlagSpec): void {
  const kind = kindWord(flag.value);
  if (kind === '') return;
  for (const name of flag.names) values.set(`${path} ${name}`, kind);
}

function entries(flag: FlagSpec): Entry[] {
  return flag.names.map((name) => ({ name, describe: oneLine(flag.describe) }));
}

function oneLine(text: string): string {
  const line = text.split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

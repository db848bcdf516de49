// A shell's completion script for every registered command: the tree is read from the same
// command lists the CLI registers (imported here, at run time, since this module is one of them).
import { bashScript } from './bashScript.js';
import { commandTree, type FlagSpec } from './commandTree.js';
import { completionTable } from './completionTable.js';
import { fishScript } from './fishScript.js';
import { zshScript } from './zshScript.js';

const PROGRAM = 'symphony-conductor';
const RENDER = { bash: bashScript, zsh: zshScript, fish: fishScript };

export async function completionScript(shell: keyof typeof RENDER, globals: readonly FlagSpec[]): Promise<string> {
  const [{ coreCommands }, { maintenanceCommands }] = await Promise.all([import('../commands/index.js'), import('../commands/maintenance/index.js')]);
  const commands = commandTree([...coreCommands, ...maintenanceCommands]);
  return RENDER[shell](completionTable(PROGRAM, commands, globals));
}

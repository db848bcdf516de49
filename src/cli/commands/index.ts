// The scheduler's own commands, in the order --help lists them.
import type { CommandModule } from 'yargs';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export const coreCommands: CommandModule<any, any>[] = [runCommand, validateCommand];

// The scheduler's own commands, in the order --help lists them.
import type { CommandModule } from 'yargs';

export const coreCommands: CommandModule<any, any>[] = [];

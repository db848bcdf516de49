// The scheduler's own commands, in the order --help lists them.
import type { CommandModule } from 'yargs';
import { auditCommand } from './audit.js';
import { graphCommand } from './graph.js';
import { historyCommand } from './history.js';
import { logsCommand } from './logs.js';
import { nextCommand } from './next.js';
import { cancelCommand, pauseCommand, resumeCommand } from './operator.js';
import { runCommand } from './run.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

export const coreCommands: CommandModule<any, any>[] = [
  startCommand,
  statusCommand,
  runCommand,
  historyCommand,
  nextCommand,
  validateCommand,
  graphCommand,
  logsCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  auditCommand,
];

// The scheduler's own commands, in the order --help lists them.
import type { CommandModule } from 'yargs';
import { completionCommand } from './completion.js';
import { doctorCommand } from './doctor.js';
import { auditCommand } from './audit.js';
import { graphCommand } from './graph.js';
import { historyCommand } from './history.js';
import { importCrontabCommand } from './importCrontab.js';
import { logsCommand } from './logs.js';
import { nextCommand } from './next.js';
import { approveCommand, cancelCommand, pauseCommand, rejectCommand, resumeCommand } from './operator.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';
import { workerCommand } from './worker.js';

export const coreCommands: CommandModule<any, any>[] = [
  startCommand,
  statusCommand,
  runCommand,
  historyCommand,
  nextCommand,
  validateCommand,
  graphCommand,
  logsCommand,
  simulateCommand,
  doctorCommand,
  importCrontabCommand,
  completionCommand,
  workerCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  approveCommand,
  rejectCommand,
  auditCommand,
];

// `pause --task N`, `resume --task N`, `cancel --run ID`, `approve`/`reject --run ID [--comment]`:
// ask the running daemon (its API, with the token file); without one, a clear error and exit 1.
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, pathsFrom, type GlobalArgs } from '../shared.js';

interface TaskArgs extends GlobalArgs {
  task: string;
}

interface RunArgs extends GlobalArgs {
  run: string;
}

interface DecisionArgs extends RunArgs {
  comment?: string;
}

function taskVerb(verb: 'pause' | 'resume', describe: string, example: string): CommandModule<GlobalArgs, TaskArgs> {
  return {
    command: verb,
    describe,
    builder: (y) =>
      y
        .option('task', { alias: 't', type: 'string', demandOption: true, requiresArg: true, describe: 'the task' })
        .check((a) => firstProblem(emptyProblem('--task', a.task)))
        .example(`$0 ${verb} --task inventory_scan`, example),
    handler: async (argv) => {
      const { operatorVerb } = await import('../../app/remote/operatorVerbs.js');
      process.stdout.write(`${await operatorVerb(pathsFrom(argv), verb, argv.task)}\n`);
    },
  };
}

export const pauseCommand = taskVerb('pause', "Pause a task in the running daemon: its fires are recorded skipped until it is resumed", 'no scheduled runs until resume');
export const resumeCommand = taskVerb('resume', 'Resume a paused task in the running daemon', 'what the pause held comes again: its fires, its waiting files, its webhook runs');

export const cancelCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'cancel',
  describe: 'Stop a running or queued run in the running daemon (recorded cancelled, not retried)',
  builder: (y) =>
    y
      .option('run', { type: 'string', demandOption: true, requiresArg: true, describe: 'the run id (see history)' })
      .check((a) => firstProblem(emptyProblem('--run', a.run)))
      .example('$0 cancel --run 20250602T020000Z-9f3a1c2b', 'SIGTERM to its process group, SIGKILL after kill_grace'),
  handler: async (argv) => {
    const { operatorVerb } = await import('../../app/remote/operatorVerbs.js');
    process.stdout.write(`${await operatorVerb(pathsFrom(argv), 'cancel', argv.run)}\n`);
  },
};

function decisionVerb(verb: 'approve' | 'reject', describe: string, example: string): CommandModule<GlobalArgs, DecisionArgs> {
  return {
    command: verb,
    describe,
    builder: (y) =>
      y
        .option('run', { type: 'string', demandOption: true, requiresArg: true, describe: 'the run id (see status: awaiting_approval)' })
        .option('comment', { alias: 'm', type: 'string', requiresArg: true, describe: 'why (kept in the audit log; a rejection\'s reason)' })
        .check((a) => firstProblem(emptyProblem('--run', a.run)))
        .example(`$0 ${verb} --run 20250602T023000Z-9f3a1c2b --comment "checked the analysis"`, example),
    handler: async (argv) => {
      const { operatorVerb } = await import('../../app/remote/operatorVerbs.js');
      process.stdout.write(`${await operatorVerb(pathsFrom(argv), verb, argv.run, argv.comment)}\n`);
    },
  };
}

export const approveCommand = decisionVerb('approve', 'Approve a run awaiting approval in the running daemon: it starts as any run', 'it runs now (or queues for a slot)');
export const rejectCommand = decisionVerb('reject', 'Reject a run awaiting approval in the running daemon: it ends skipped, its dependents too', 'recorded skipped: "rejected by <you>: <comment>"');

// `logs --task NAME [--run ID] [-f]`: a task's output: the latest run, one run, or following.
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, pathsFrom, stopWhenOutputCloses, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  task: string;
  run?: string;
  follow?: boolean;
}

export const logsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'logs',
  describe: "A task's output: the latest run, one run (--run), or follow it (-f)",
  builder: (y) =>
    y
      .option('task', { alias: 't', type: 'string', demandOption: true, requiresArg: true, describe: 'the task' })
      .option('run', { type: 'string', requiresArg: true, describe: 'a run id (see history); default the latest run' })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing output as it is written' })
      .check((a) => firstProblem(emptyProblem('--task', a.task), emptyProblem('--run', a.run)))
      .example('$0 logs --task inventory_scan', 'the output of its latest run')
      .example('$0 logs --task inventory_scan --run 20250602T020000Z-9f3a1c2b', 'one run, every attempt')
      .example('$0 logs --task health_check -f', 'follow the log, as tail -f'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const { showLogs } = await import('../../app/showLogs.js');
    process.exitCode = await showLogs(pathsFrom(argv), { task: argv.task, run: argv.run, follow: argv.follow === true });
  },
};

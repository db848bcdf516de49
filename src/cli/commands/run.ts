// `run --task NAME [--with-deps]` and `run --all`: run now, in the foreground.
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, givenNumber, pathsFrom, printJson, type GlobalArgs } from '../shared.js';
import { gatherLines } from '../gatherLines.js';

function secondsProblem(flag: string, value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 31_536_000
    ? null
    : `${flag} takes a number of seconds above 0; got ${givenNumber(value, [flag])}.`;
}

interface Args extends GlobalArgs {
  task?: string;
  all?: boolean;
  'with-deps'?: boolean;
  approved?: boolean;
  json?: boolean;
  'watch-timeout'?: number;
}

export const runCommand: CommandModule<GlobalArgs, Args> = {
  command: 'run',
  describe: 'Run a task now (or every enabled task once, in DAG order); through the daemon when one runs on the home',
  builder: (y) =>
    y
      .option('task', { alias: 't', type: 'string', requiresArg: true, describe: 'the task to run' })
      .option('with-deps', { type: 'boolean', describe: "run the task's upstream first, in DAG order" })
      .option('all', { type: 'boolean', describe: 'run every enabled task once, in DAG order, then exit' })
      .option('approved', { type: 'boolean', describe: 'approve the runs of tasks that need approval yourself (recorded in the audit log)' })
      .option('json', { type: 'boolean', describe: 'print the outcome of each task as JSON' })
      .option('watch-timeout', {
        type: 'number',
        requiresArg: true,
        describe: "a watch task: seconds to process the folder's files in, then stop (default 30)",
      })
      .conflicts('all', 'task')
      .check((a) =>
        firstProblem(
          emptyProblem('--task', a.task),
          !a.all && !a.task ? 'Name a task with --task NAME, or use --all.' : null,
          a['with-deps'] && !a.task ? '--with-deps goes with --task.' : null,
          a['watch-timeout'] === undefined ? null : secondsProblem('--watch-timeout', a['watch-timeout']),
        ),
      )
      .example('$0 run --task inventory_scan', 'run one task now (the running daemon runs it, within its limits); its output goes to logs/automation/inventory_scan.log')
      .example('$0 run --task cleanup_execution --with-deps', 'run its dependencies first')
      .example('$0 run --all', 'every enabled task once, dependencies first; exit 8 if any failed')
      .example('$0 run --task process_intent --watch-timeout 60', 'a watch task: process the files in its folder now, then exit'),
  handler: async (argv) => {
    const [{ runTask }, { renderRunEvent, renderOutcomes }] = await Promise.all([import('../../app/runTask.js'), import('../render/runEvents.js')]);
    const out = argv.json ? process.stderr : process.stdout;
    const progress = gatherLines(out);
    let result: Awaited<ReturnType<typeof runTask>>;
    try {
      result = await runTask(
        pathsFrom(argv),
        {
          task: argv.task,
          all: argv.all === true,
          withDeps: argv['with-deps'] === true,
          approved: argv.approved === true,
          watchTimeout: argv['watch-timeout'],
        },
        (event) => progress.write(renderRunEvent(event)),
        (note) => {
          progress.flush();
          process.stderr.write(`symphony-conductor: ${note}\n`);
        },
      );
    } finally {
      progress.flush();
    }
    if (argv.json) printJson(result.outcomes);
    else out.write(result.summary !== undefined ? `${result.summary}\n` : renderOutcomes(result.outcomes, result.interruptedBy, result.notRun));
    process.exitCode = result.exitCode;
  },
};

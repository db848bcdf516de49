// `next [--task NAME] [-n N] [--from ISO]`: the next fire times, with the zone's offset.
import type { CommandModule } from 'yargs';
import {
  emptyProblem,
  firstProblem,
  pathsFrom,
  printJson,
  stopWhenOutputCloses,
  wholeNumberProblem,
  type GlobalArgs,
} from '../shared.js';

/** Ten thousand fires a task is years of a minutely schedule; unbounded, -n 10000000 ran for minutes. */
const MAX_COUNT = 10_000;

interface Args extends GlobalArgs {
  task?: string;
  n: number;
  from?: string;
  json?: boolean;
}

export const nextCommand: CommandModule<GlobalArgs, Args> = {
  command: 'next',
  describe: "The next fire times, in each task's timezone (ISO 8601 with offset)",
  builder: (y) =>
    y
      .option('task', { alias: 't', type: 'string', requiresArg: true, describe: 'only this task' })
      .option('n', { type: 'number', requiresArg: true, default: 5, describe: `how many fire times per task (at most ${MAX_COUNT})` })
      .option('from', {
        type: 'string',
        requiresArg: true,
        describe: "start after this time (exclusive); without an offset it is read in the timezone of --task, else in the settings' timezone",
      })
      .option('json', { type: 'boolean', describe: 'print [{task, at}] as JSON' })
      .check((a) => firstProblem(emptyProblem('--task', a.task), emptyProblem('--from', a.from), wholeNumberProblem('-n', a.n, 1, MAX_COUNT)))
      .example('$0 next --task inventory_scan -n 3', 'its next three fires')
      .example('$0 next --from 2025-03-09T00:00:00-05:00', 'what fires after that instant'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const [{ loadConfig }, { nextFires }] = await Promise.all([import('../../app/loadConfig.js'), import('../../app/nextFires.js')]);
    const { config } = loadConfig(pathsFrom(argv).config);
    const fires = nextFires(config, { task: argv.task, count: argv.n, from: argv.from, now: Date.now() });
    if (argv.json) {
      printJson(fires);
      return;
    }
    if (fires.length === 0 && argv.task) {
      const task = config.tasks.find((t) => t.name === argv.task);
      const sets = [
        ...(task?.watch ? [`on each file in ${task.watch.path}`] : []),
        ...(task?.webhook ? ['on its webhook'] : []),
        ...(task?.dependencies.length ? ['after its dependencies'] : []),
      ];
      const why =
        task && !task.enabled
          ? `is disabled (enabled: false): it ${task.schedule ? 'does not fire' : 'never runs'}`
          : `has no schedule; it runs ${sets.length > 0 ? `${sets.join(', ')}, or by hand` : 'only by hand'}`;
      process.stderr.write(`task ${argv.task} ${why}\n`);
    }
    if (fires.length === 0) return;
    if (process.stdout.isTTY) {
      // On a terminal, as `systemctl list-timers`: local time, how long until, the task's own zone.
      const { renderNext } = await import('../render/next.js');
      process.stdout.write(renderNext(fires, Date.now()));
      return;
    }
    const lines = fires.map((fire) => (argv.task ? fire.at : `${fire.task} ${fire.at}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

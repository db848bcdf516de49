// `history [--task NAME] [--limit N] [--json]`: past runs, newest first.
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

/** A million rows is far more than a terminal shows; a bound keeps the query a number SQLite takes. */
const MAX_LIMIT = 1_000_000;

interface Args extends GlobalArgs {
  task?: string;
  limit: number;
  json?: boolean;
}

export const historyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'history',
  describe: 'Past runs (one row per attempt or skipped fire), newest first',
  builder: (y) =>
    y
      .option('task', { alias: 't', type: 'string', requiresArg: true, describe: 'only this task' })
      .option('limit', { alias: 'n', type: 'number', requiresArg: true, default: 20, describe: `how many rows (at most ${MAX_LIMIT})` })
      .option('json', { type: 'boolean', describe: 'print an array of runs as JSON' })
      .check((a) => firstProblem(emptyProblem('--task', a.task), wholeNumberProblem('--limit', a.limit, 1, MAX_LIMIT, ['--limit', '-n'])))
      .example('$0 history --task inventory_scan --limit 5', 'the latest five attempts of one task')
      .example('$0 history --json', 'the latest 20 rows as JSON'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const [{ openRunStore }, { requireHomeFolder }] = await Promise.all([import('../../adapters/sqlite/sqliteRunStore.js'), import('../../app/readableHome.js')]);
    const paths = pathsFrom(argv);
    requireHomeFolder(paths.home);
    const store = openRunStore(paths.database, { create: false });
    const runs = store.history({ task: argv.task, limit: argv.limit });
    store.close();
    if (argv.json) {
      printJson(runs);
      return;
    }
    if (runs.length === 0) {
      process.stdout.write(argv.task ? `no runs of ${argv.task} recorded${await notInConfig(paths.config, argv.task)}\n` : 'no runs recorded\n');
      return;
    }
    const { renderHistory } = await import('../render/history.js');
    process.stdout.write(renderHistory(runs, Date.now()));
  },
};

/** For a task with no runs: ` (no task "X" in the config...)` when the config does not name it (a typo), else ''. */
async function notInConfig(configFile: string, task: string): Promise<string> {
  const [{ loadConfig }, { closeNames }] = await Promise.all([import('../../app/loadConfig.js'), import('../../core/text/editDistance.js')]);
  let names: string[];
  try {
    names = loadConfig(configFile).config.tasks.map((t) => t.name);
  } catch {
    return ''; // no readable config: nothing to say about the name
  }
  if (names.includes(task)) return '';
  const close = closeNames(task, names);
  return ` (no task "${task}" in the config${close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(', ')}?` : ''})`;
}

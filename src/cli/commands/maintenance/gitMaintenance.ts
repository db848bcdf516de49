// `git-maintenance`: gc and prune the root's repository; exit 0 when done or skipped, 8 when git fails.
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../../../core/errors.js';
import { pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';

interface GitMaintenanceArgs extends GlobalArgs {
  root?: string;
  aggressive: boolean;
  timeout: string;
  json?: boolean;
}

export const gitMaintenanceCommand: CommandModule<GlobalArgs, GitMaintenanceArgs> = {
  command: 'git-maintenance',
  describe: "git gc --prune=now and git prune on the root's repository (skipped when it is none, or busy)",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('root', { type: 'string', requiresArg: true, describe: 'the repository (default: the home); must hold .git itself' })
      .option('aggressive', { type: 'boolean', default: false, describe: 'git gc --aggressive: smaller packs, much slower on big repositories' })
      .option('timeout', { type: 'string', requiresArg: true, default: '50m', describe: 'time allowed for all git commands together (30m, 2h ...)' })
      .option('json', { type: 'boolean', describe: 'print the result as JSON' })
      .example('$0 git-maintenance', "gc and prune the home's repository")
      .example('$0 git-maintenance --root ~/project --aggressive --timeout 2h', 'a deeper repack, with more time'),
  handler: async (argv) => {
    const { parseDuration } = await import('../../../core/format/duration.js');
    const { resolveRoot } = await import('../../../maintenance/shared/index.js');
    const { runGitMaintenance, formatGitMaintenance } = await import('../../../maintenance/git/index.js');
    const timeoutMs = parseDuration(argv.timeout, { flag: '--timeout' });
    const root = resolveRoot(argv.root ?? pathsFrom(argv).home).rootText;
    const result = await runGitMaintenance({ root, aggressive: argv.aggressive, timeoutMs, now: Date.now() });
    if (argv.json) printJson(result);
    else printLines(formatGitMaintenance(result));
    if (result.interrupted_by !== null) process.exitCode = EXIT.interrupted;
    else if (result.status === 'failed') process.exitCode = EXIT.taskFailed;
  },
};

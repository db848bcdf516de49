// `health-check`: temp files, task health and disk space; exit 8 when something is wrong.
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../../../core/errors.js';
import { givenNumber, pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';

interface HealthCheckArgs extends GlobalArgs {
  root?: string;
  'max-temp-files': number;
  'temp-age': string;
  'min-free-percent': number;
  'critical-free-percent': number;
  json?: boolean;
}

export const healthCheckCommand: CommandModule<GlobalArgs, HealthCheckArgs> = {
  command: 'health-check',
  describe: 'Check temp files, every task (failed or stale) and disk space; exit 8 on a problem',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('root', { type: 'string', requiresArg: true, describe: 'directory whose temp files and disk are checked (default: the home)' })
      .option('max-temp-files', { type: 'number', requiresArg: true, default: 100, describe: 'warn when more temp files than this are found' })
      .option('temp-age', { type: 'string', requiresArg: true, default: '1d', describe: 'count temp files not modified for this long' })
      .option('min-free-percent', { type: 'number', requiresArg: true, default: 10, describe: 'warn under this much free disk space' })
      .option('critical-free-percent', { type: 'number', requiresArg: true, default: 5, describe: 'fail under this much free disk space' })
      .option('json', { type: 'boolean', describe: 'print the result as JSON' })
      .example('$0 health-check', 'check the home; exit 8 when a task failed or is stale, or the disk is nearly full')
      .example('$0 health-check --root ~/project --max-temp-files 20 --json', 'another tree, a lower limit, JSON'),
  handler: async (argv) => {
    const { resolveRoot } = await import('../../../maintenance/shared/index.js');
    const { healthCheckLimitsFrom, runHealthCheck, formatHealthCheck } = await import('../../../maintenance/health/index.js');
    const paths = pathsFrom(argv);
    const limits = healthCheckLimitsFrom(argv, (flag, value) => givenNumber(value, [flag]));
    const root = resolveRoot(argv.root ?? paths.home).rootText;
    const result = runHealthCheck({ paths, root, limits, now: Date.now(), selfTask: process.env.CONDUCTOR_TASK || null });
    if (argv.json) printJson(result);
    else printLines(formatHealthCheck(result));
    if (result.status === 'error') process.exitCode = EXIT.taskFailed;
  },
};

// `report --since 7d --format markdown|json`: the runs, failures, durations and cleanup actions of a period.
import type { Argv, CommandModule } from 'yargs';
import { pathsFrom, printJson, type GlobalArgs } from '../../shared.js';

interface ReportArgs extends GlobalArgs {
  root?: string;
  since: string;
  format: 'markdown' | 'json';
  json?: boolean;
}

export const reportCommand: CommandModule<GlobalArgs, ReportArgs> = {
  command: 'report',
  describe: 'Runs, failures, durations and cleanup actions of a period, as markdown or JSON',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('since', { type: 'string', requiresArg: true, default: '7d', describe: 'the period back from now: 30m, 24h, 7d, 2w ...' })
      .option('format', { choices: ['markdown', 'json'] as const, requiresArg: true, default: 'markdown' as const, describe: 'output format' })
      .option('json', { type: 'boolean', describe: 'same as --format json' })
      .option('root', { type: 'string', requiresArg: true, describe: 'where cleanup_actions.log is (default: the home)' })
      .example('$0 report', 'the last 7 days as markdown, for a pull request or a weekly mail')
      .example('$0 report --since 24h --format json', 'the last day as JSON'),
  handler: async (argv) => {
    const { parseDuration } = await import('../../../core/format/duration.js');
    const { resolveRoot } = await import('../../../maintenance/shared/index.js');
    const { buildReport, renderReportMarkdown } = await import('../../../maintenance/report/index.js');
    const periodMs = parseDuration(argv.since, { flag: '--since' });
    const paths = pathsFrom(argv);
    const root = resolveRoot(argv.root ?? paths.home).rootText;
    const report = await buildReport({ paths, root, periodMs, periodText: argv.since.trim().toLowerCase(), now: Date.now() });
    if (argv.json || argv.format === 'json') {
      printJson(report);
      return;
    }
    process.stdout.write(renderReportMarkdown(report));
  },
};

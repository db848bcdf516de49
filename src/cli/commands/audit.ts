// `audit [--since 7d] [--limit N] [--json]`: the operators' actions, newest first, read from the
// history database (no daemon needed).
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, pathsFrom, printJson, stopWhenOutputCloses, wholeNumberProblem, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  since?: string;
  limit: number;
  json?: boolean;
}

export const auditCommand: CommandModule<GlobalArgs, Args> = {
  command: 'audit',
  describe: 'The audit log: runs by hand, pause, resume, cancel, reloads (who, when, what), newest first',
  builder: (y) =>
    y
      .option('since', { type: 'string', requiresArg: true, describe: 'only this recent (7d, 12h, 30m) or since an ISO time' })
      .option('limit', { alias: 'n', type: 'number', requiresArg: true, default: 100, describe: 'how many rows (at most 100000)' })
      .option('json', { type: 'boolean', describe: 'print an array of rows as JSON' })
      .check((a) => firstProblem(emptyProblem('--since', a.since), wholeNumberProblem('--limit', a.limit, 1, 100_000, ['--limit', '-n'])))
      .example('$0 audit --since 7d', 'what operators did this week')
      .example('$0 audit --json | jq ".[0]"', 'the latest action as JSON'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const { readAudit } = await import('../../app/readAudit.js');
    const rows = readAudit(pathsFrom(argv), { since: argv.since, limit: argv.limit, now: Date.now() });
    if (argv.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('no operator actions recorded\n');
      return;
    }
    const { renderTable } = await import('../../core/format/table.js');
    const table = rows.map((r) => [r.at, r.actor, r.source, r.action, r.task ?? '-', r.run_id ?? '-', r.detail ?? '']);
    process.stdout.write(`${renderTable(['AT', 'ACTOR', 'SOURCE', 'ACTION', 'TASK', 'RUN', 'DETAIL'], table).join('\n')}\n`);
  },
};

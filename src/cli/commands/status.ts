// `status`: JSON when stdout is not a terminal or with --json, a table otherwise.
import type { CommandModule } from 'yargs';
import { pathsFrom, stopWhenOutputCloses, printJson, wantJson, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  json?: boolean;
}

export const statusCommand: CommandModule<GlobalArgs, Args> = {
  command: 'status',
  describe: 'The daemon, every task (schedule, next run, last run, health) and recent results',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'print JSON (the default when stdout is not a terminal)' })
      .example('$0 status', 'a table on a terminal')
      .example("$0 status --json | jq '.recent_results'", 'the latest runs as JSON'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const { homeStatus } = await import('../../app/status/homeStatus.js');
    const now = Date.now();
    const report = await homeStatus(pathsFrom(argv), now, (message) => process.stderr.write(`symphony-conductor: ${message}\n`));
    if (wantJson(argv)) {
      printJson(report);
      return;
    }
    const [{ renderStatus }, { colourOn, terminalWidth }] = await Promise.all([import('../render/status.js'), import('../render/terminal.js')]);
    process.stdout.write(renderStatus(report, { now, colour: colourOn(), width: terminalWidth() }));
  },
};

// `inventory`: scan the root and write cleanup_inventory.json (logic in src/maintenance).
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../../../core/errors.js';
import { pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';

interface InventoryArgs extends GlobalArgs {
  root?: string;
  output?: string;
  'large-size': string;
  'log-age': string;
  json?: boolean;
}

export const inventoryCommand: CommandModule<GlobalArgs, InventoryArgs> = {
  command: 'inventory',
  describe: 'Scan the root; write cleanup_inventory.json (size, time, git state, cleanup reasons)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('root', { type: 'string', requiresArg: true, describe: 'directory to scan (default: the home); nothing outside it is read' })
      .option('output', { type: 'string', requiresArg: true, describe: 'inventory file, inside the root (default: <root>/cleanup_inventory.json)' })
      .option('large-size', { type: 'string', requiresArg: true, default: '10M', describe: 'untracked files at least this big are candidates' })
      .option('log-age', { type: 'string', requiresArg: true, default: '30d', describe: 'logs older than this are candidates' })
      .option('json', { type: 'boolean', describe: 'print the summary as JSON' })
      .example('$0 inventory --root ~/project', 'scan a project and write ~/project/cleanup_inventory.json')
      .example('$0 inventory --large-size 100M --log-age 14d --json', 'other thresholds, JSON summary'),
  handler: async (argv) => {
    const { parseDuration } = await import('../../../core/format/duration.js');
    const { parseSize } = await import('../../../core/format/size.js');
    const { rootFrom } = await import('../../../maintenance/shared/index.js');
    const { inventoryPathFrom, scanInventory, formatScan } = await import('../../../maintenance/inventory/index.js');
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const summary = scanInventory({
      root: input.root,
      output: inventoryPathFrom(input, '--output', argv.output),
      settings: { largeBytes: parseSize(argv['large-size'], '--large-size'), logAgeMs: parseDuration(argv['log-age'], { flag: '--log-age', allowZero: true }) },
      now: new Date(),
    });
    if (argv.json) printJson(summary);
    else printLines(formatScan(summary));
    if (summary.errors.length > 0) process.exitCode = EXIT.taskFailed;
  },
};

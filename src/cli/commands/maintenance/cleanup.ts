// `cleanup analyze|execute|restore|purge|batches`: the cleanup engine (logic in src/maintenance).
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../../../core/errors.js';
import { pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';
import { rootOption, type RootArgs } from './rootOption.js';

type CleanupArgs = GlobalArgs & RootArgs;

/** The policy flags of `analyze` and `execute`. */
type PolicyArgs = CleanupArgs & { inventory?: string; protect?: string[]; 'include-tracked'?: boolean; 'min-age': string };

const lib = async () => ({
  ...(await import('../../../core/format/duration.js')),
  ...(await import('../../../maintenance/shared/index.js')),
  ...(await import('../../../maintenance/inventory/index.js')),
  ...(await import('../../../maintenance/cleanup/index.js')),
});

function policyOptions<T>(yargs: Argv<T>) {
  return rootOption(yargs)
    .option('inventory', { type: 'string', requiresArg: true, describe: 'inventory file, inside the root (default: <root>/cleanup_inventory.json)' })
    .option('protect', { type: 'string', array: true, requiresArg: true, describe: 'also protect this pattern (repeatable; see docs/maintenance.md)' })
    .option('include-tracked', { type: 'boolean', describe: 'allow files tracked by git (left alone by default)' })
    .option('min-age', { type: 'string', requiresArg: true, default: '1h', describe: 'leave files modified more recently than this' });
}

const analyze: CommandModule<GlobalArgs, PolicyArgs & { limit: number }> = {
  command: 'analyze',
  describe: 'Report cleanup candidates with reasons and sizes, from the inventory; changes nothing',
  builder: (y) =>
    policyOptions(y)
      .option('limit', { type: 'number', requiresArg: true, default: 200, describe: 'candidates listed in text output' })
      .example('$0 cleanup analyze --root ~/project', 'what the next cleanup would consider')
      .example('$0 cleanup analyze --json | jq ".by_reason"', 'totals per reason'),
  handler: async (argv) => {
    const { rootFrom, inventoryPathFrom, policyFrom, analyzeCleanup, formatAnalysis } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const inventory = inventoryPathFrom(input, '--inventory', argv.inventory);
    const policy = policyFrom(input, { protect: argv.protect, includeTracked: argv['include-tracked'], minAge: argv['min-age'] }, [inventory]);
    const analysis = analyzeCleanup(input.root, inventory, policy, new Date());
    if (argv.json) printJson(analysis);
    else printLines(formatAnalysis(analysis, argv.limit));
  },
};

type ExecuteArgs = PolicyArgs & { execute?: boolean; 'max-deletions': number; 'purge-after': string };

const execute: CommandModule<GlobalArgs, ExecuteArgs> = {
  command: 'execute',
  describe: 'Move candidates to the quarantine (a dry run unless --execute); purge old quarantine',
  builder: (y) =>
    policyOptions(y)
      .option('execute', { type: 'boolean', default: false, describe: 'really move files (default: dry run, nothing changes)' })
      .option('max-deletions', { type: 'number', requiresArg: true, default: 50, describe: 'move at most this many files per run' })
      .option('purge-after', { type: 'string', requiresArg: true, default: '30d', describe: 'after a real run, delete quarantine batches older than this, never the one just made ("never" keeps them all)' })
      .example('$0 cleanup execute', 'dry run: what would be moved, and what is refused')
      .example('$0 cleanup execute --execute --max-deletions 50', 'move up to 50 files into <root>/.quarantine/<batch>'),
  handler: async (argv) => {
    const { rootFrom, inventoryPathFrom, policyFrom, maxDeletionsFrom, parseDuration, executeCleanup, batchFailed, formatExecute } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const inventory = inventoryPathFrom(input, '--inventory', argv.inventory);
    const result = executeCleanup({
      root: input.root,
      inventory,
      policy: policyFrom(input, { protect: argv.protect, includeTracked: argv['include-tracked'], minAge: argv['min-age'] }, [inventory]),
      dryRun: argv.execute !== true,
      maxDeletions: maxDeletionsFrom(argv['max-deletions']),
      purgeAfterMs: argv['purge-after'] === 'never' ? null : parseDuration(argv['purge-after'], { flag: '--purge-after' }),
      clock: () => new Date(),
    });
    if (argv.json) printJson(result);
    else printLines(formatExecute(result));
    if (batchFailed(result) || result.purge?.batches.some((b) => b.outcome === 'failed')) process.exitCode = EXIT.taskFailed;
  },
};

type RestoreArgs = CleanupArgs & { batch?: string; latest?: boolean };

const restore: CommandModule<GlobalArgs, RestoreArgs> = {
  command: 'restore [batch]',
  describe: 'Put a quarantine batch back (path, mode, times); never overwrites a file',
  builder: (y) =>
    rootOption(y)
      .positional('batch', { type: 'string', describe: 'batch id (see `cleanup batches`)' })
      .option('latest', { type: 'boolean', describe: 'the newest batch that still holds files' })
      .example('$0 cleanup restore --latest', 'undo the last cleanup')
      .example('$0 cleanup restore 20250602T030000Z-1a2b3c', 'undo one batch'),
  handler: async (argv) => {
    const { rootFrom, pickBatch, restoreBatch, formatRestore } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const result = restoreBatch(input.root, pickBatch(input.root, argv.batch, argv.latest === true));
    if (argv.json) printJson(result);
    else printLines(formatRestore(result));
    if (result.counts.conflict + result.counts.missing + result.counts.failed > 0) process.exitCode = EXIT.taskFailed;
  },
};

type PurgeArgs = CleanupArgs & { 'older-than': string; execute?: boolean };

const purge: CommandModule<GlobalArgs, PurgeArgs> = {
  command: 'purge',
  describe: 'Delete quarantine batches older than an age (a dry run unless --execute)',
  builder: (y) =>
    rootOption(y)
      .option('older-than', { type: 'string', requiresArg: true, default: '30d', describe: 'age of the batches to delete' })
      .option('execute', { type: 'boolean', default: false, describe: 'really delete them' })
      .example('$0 cleanup purge --older-than 30d --execute', 'delete batches older than 30 days'),
  handler: async (argv) => {
    const { rootFrom, parseDuration, openActionsLog, purgeQuarantineLocked, formatPurge } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const olderThan = parseDuration(argv['older-than'], { flag: '--older-than', allowZero: true });
    const result = purgeQuarantineLocked(input.root, olderThan, new Date(), argv.execute !== true, openActionsLog(input.root));
    if (argv.json) printJson(result);
    else printLines(formatPurge(result));
    if (result.batches.some((b) => b.outcome === 'failed')) process.exitCode = EXIT.taskFailed;
  },
};

const batches: CommandModule<GlobalArgs, CleanupArgs> = {
  command: 'batches',
  describe: 'List the quarantine batches, newest first',
  builder: (y) => rootOption(y).example('$0 cleanup batches --json', 'batches with counts'),
  handler: async (argv) => {
    const { rootFrom, listBatches, formatBatches } = await lib();
    const list = listBatches(rootFrom({ root: argv.root, home: pathsFrom(argv).home }).root);
    if (argv.json) printJson(list);
    else printLines(formatBatches(list));
  },
};

export const cleanupCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'cleanup <command>',
  describe: 'Analyze and clean up files listed by `inventory` (quarantine, restore, purge)',
  builder: (yargs) =>
    yargs
      .command(analyze)
      .command(execute)
      .command(restore)
      .command(purge)
      .command(batches)
      .demandCommand(1, 'Name a cleanup command: analyze, execute, restore, purge or batches.')
      .example('$0 cleanup analyze', 'candidates and reasons')
      .example('$0 cleanup execute --execute', 'move up to 50 candidates to the quarantine'),
  handler: () => undefined,
};

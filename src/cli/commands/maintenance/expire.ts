// `expire add|list|run|remove`: files registered to expire (logic in src/maintenance).
import type { CommandModule } from 'yargs';
import { EXIT } from '../../../core/errors.js';
import { pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';
import { rootOption, type RootArgs } from './rootOption.js';

type ExpireArgs = GlobalArgs & RootArgs;

const lib = async () => ({
  ...(await import('../../../maintenance/shared/index.js')),
  ...(await import('../../../maintenance/expire/index.js')),
});

type AddArgs = ExpireArgs & { path: string; in?: string; at?: string; reason: string };

const add: CommandModule<GlobalArgs, AddArgs> = {
  command: 'add <path>',
  describe: 'Register a file (inside the root) to expire',
  builder: (y) =>
    rootOption(y)
      .positional('path', { type: 'string', demandOption: true, describe: 'the file, relative to the current directory or absolute' })
      .option('in', { type: 'string', requiresArg: true, describe: 'expires after this long, e.g. 7d, 12h, 2w' })
      .option('at', { type: 'string', requiresArg: true, describe: 'expires at this ISO 8601 time' })
      .option('reason', { type: 'string', requiresArg: true, demandOption: true, describe: 'why it may go (kept in the registry and the log)' })
      .example('$0 expire add reports/old.csv --in 7d --reason "superseded by v2"', 'expire a file in a week'),
  handler: async (argv) => {
    const { rootFrom, expiryFrom, addExpiry, protectRules } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const now = new Date();
    const result = addExpiry(input.root, { path: argv.path, spelledRoot: input.spelled, expiresAt: expiryFrom(argv, now), reason: argv.reason, rules: protectRules(input.root, input.own) }, now);
    if (argv.json) printJson(result);
    else printLines([`${result.replaced ? 'Updated' : 'Registered'} ${result.entry.path}: expires ${result.entry.expires_at}`]);
  },
};

const list: CommandModule<GlobalArgs, ExpireArgs> = {
  command: 'list',
  describe: 'List registered files and their expiry',
  builder: (y) => rootOption(y).example('$0 expire list --json', 'the registry as JSON'),
  handler: async (argv) => {
    const { rootFrom, listExpiries, formatExpiries } = await lib();
    const result = listExpiries(rootFrom({ root: argv.root, home: pathsFrom(argv).home }).root, new Date());
    if (argv.json) printJson(result);
    else printLines(formatExpiries(result));
  },
};

type RunArgs = ExpireArgs & { 'dry-run'?: boolean; 'max-deletions': number; 'include-tracked'?: boolean; protect?: string[] };

const run: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run',
  describe: 'Move expired files to the quarantine and prune the registry',
  builder: (y) =>
    rootOption(y)
      .option('dry-run', { type: 'boolean', describe: 'show what would go; change nothing' })
      .option('max-deletions', { type: 'number', requiresArg: true, default: 50, describe: 'move at most this many files per run' })
      .option('include-tracked', { type: 'boolean', describe: 'allow files tracked by git' })
      .option('protect', { type: 'string', array: true, requiresArg: true, describe: 'also protect this pattern (repeatable)' })
      .example('$0 expire run', 'move every expired file to <root>/.quarantine/<batch>'),
  handler: async (argv) => {
    const { rootFrom, maxDeletionsFrom, runExpiry, expiryFailed, formatExpireRun, protectRules } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const result = runExpiry(input.root, {
      rules: protectRules(input.root, [...input.own, ...(argv.protect ?? [])]),
      includeTracked: argv['include-tracked'] === true,
      dryRun: argv['dry-run'] === true,
      maxDeletions: maxDeletionsFrom(argv['max-deletions']),
      clock: () => new Date(),
    });
    if (argv.json) printJson(result);
    else printLines(formatExpireRun(result));
    if (expiryFailed(result)) process.exitCode = EXIT.taskFailed;
  },
};

const remove: CommandModule<GlobalArgs, ExpireArgs & { path: string }> = {
  command: 'remove <path>',
  describe: 'Unregister a file (the file is not touched)',
  builder: (y) =>
    rootOption(y)
      .positional('path', { type: 'string', demandOption: true })
      .example('$0 expire remove reports/old.csv', 'keep it after all'),
  handler: async (argv) => {
    const { rootFrom, removeExpiry } = await lib();
    const input = rootFrom({ root: argv.root, home: pathsFrom(argv).home });
    const result = removeExpiry(input.root, { path: argv.path, spelledRoot: input.spelled }, new Date());
    if (argv.json) printJson(result);
    else printLines([result.removed > 0 ? `Unregistered ${argv.path}` : `${argv.path} was not registered`]);
  },
};

export const expireCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'expire <command>',
  describe: 'Files with an expiry (.cleanup_registry.json): add, list, run, remove',
  builder: (yargs) =>
    yargs
      .command(add)
      .command(list)
      .command(run)
      .command(remove)
      .demandCommand(1, 'Name an expire command: add, list, run or remove.')
      .example('$0 expire add tmp/export.csv --in 7d --reason "one-off export"', 'register a file')
      .example('$0 expire run', 'remove (to the quarantine) what has expired'),
  handler: () => undefined,
};

#!/usr/bin/env node
// The CLI entry: parse flags with yargs, hand off to one command module, turn errors into
// messages and exit codes. Command modules load their heavy parts only when they run.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isConductorError, EXIT } from '../core/errors.js';
import { coreCommands } from './commands/index.js';
import { maintenanceCommands } from './commands/maintenance/index.js';

function reportError(error: unknown): number {
  if (isConductorError(error)) {
    process.stderr.write(`symphony-conductor: ${error.lines().join('\n')}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`symphony-conductor: internal error: ${message}\n`);
  if (process.env.CONDUCTOR_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return EXIT.usage;
}

async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName('symphony-conductor')
    .usage('$0 <command> [options]\n\nA cron-style task scheduler with a dependency DAG.')
    .option('home', {
      type: 'string',
      describe: 'home directory (default: $CONDUCTOR_HOME, else the current directory)',
      global: true,
    })
    .option('config', {
      type: 'string',
      describe: 'config file (default: <home>/config/conductor_config.json)',
      global: true,
    })
    .command(coreCommands)
    .command(maintenanceCommands)
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error, y) => {
      if (error) throw error;
      void y;
      process.stderr.write(`symphony-conductor: ${message}\nRun with --help for usage.\n`);
      process.exit(EXIT.usage);
    });
  await parser.parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  process.exitCode = reportError(error);
});

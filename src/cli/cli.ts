// The CLI: parse flags with yargs, hand off to one command module, turn errors into messages and
// exit codes. Command modules load their heavy parts only when they run. Loaded by entry.ts.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { closeNames } from '../core/text/editDistance.js';
import { isConductorError, EXIT } from '../core/errors.js';
import { markCommandRan } from './compileCache.js';
import { coreCommands } from './commands/index.js';
import { maintenanceCommands } from './commands/maintenance/index.js';
import { emptyFlagProblem, emptyProblem, firstProblem, isOutputTheWork, keepTypedArgs, repeatedProblem } from './shared.js';
import { skipHelpCache } from './skipHelpCache.js';

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

/**
 * The one place a closed or failing stdout/stderr is handled. When the reader goes away
 * (`history | head -n 1`: EPIPE), the output is no longer wanted: a command that only prints
 * exits at once, quietly, with exit 0 (or the code it had already decided): nothing went wrong,
 * so not the 141 of a process killed by SIGPIPE (git log, seq), which fails `set -o pipefail`
 * scripts and is no code of the contract. Any other command (run, start, cleanup ...) goes on
 * with its work and its output discarded, so no run or file move is cut short. Another write
 * error on stdout (a full disk behind `> file`) is said on stderr, and a printing command
 * exits 1.
 */
function handleOutputErrors(): void {
  let closed = false;
  const onError = (stream: NodeJS.WriteStream, name: string) => (error: NodeJS.ErrnoException) => {
    stream.write = (() => true) as typeof stream.write; // whatever comes next goes nowhere
    if (closed) return;
    closed = true;
    if (error.code !== 'EPIPE' && stream === process.stdout) {
      process.stderr.write(`symphony-conductor: cannot write to ${name}: ${error.message}\n`);
    }
    if (!isOutputTheWork()) return;
    process.exit(error.code === 'EPIPE' ? Number(process.exitCode ?? EXIT.ok) : EXIT.usage);
  };
  process.stdout.on('error', onError(process.stdout, 'standard output'));
  process.stderr.on('error', onError(process.stderr, 'standard error'));
}

/** The top-level command names (aliases too), from the command modules. */
function commandNames(): string[] {
  return [...coreCommands, ...maintenanceCommands].flatMap((module) => {
    const names = [module.command, ...(Array.isArray(module.aliases) ? module.aliases : module.aliases ? [module.aliases] : [])];
    return names.flatMap((name) => (typeof name === 'string' ? [name.split(' ')[0] as string] : []));
  });
}

/**
 * "unknown command X" (with the names it may be a typo of, a prefix first) when the first word is
 * no command: yargs says only "Did you mean logs?" for `foo`, and "Unknown argument" for a word
 * nothing resembles.
 */
function unknownCommand(argv: string[]): string | null {
  let word: string | undefined;
  for (let i = 0; i < argv.length && word === undefined; i++) {
    const arg = argv[i] as string;
    if (arg === '--home' || arg === '--config') i++; // the global flags that take a value
    else if (!arg.startsWith('-')) word = arg;
  }
  const names = commandNames();
  if (word === undefined || names.includes(word)) return null;
  const prefixed = names.filter((name) => word.length >= 2 && name.startsWith(word));
  const close = [...new Set([...prefixed, ...closeNames(word, names)])].slice(0, 3);
  return `unknown command "${word}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`;
}

async function main(argv: string[]): Promise<void> {
  handleOutputErrors();
  keepTypedArgs(argv);
  const parser = yargs(argv)
    .scriptName('symphony-conductor')
    .usage('$0 <command> [options]\n\nA cron-style task scheduler with a dependency DAG.')
    .option('home', {
      type: 'string',
      requiresArg: true,
      describe: 'home directory (default: $CONDUCTOR_HOME, else the current directory)',
      global: true,
    })
    .option('config', {
      type: 'string',
      requiresArg: true,
      describe: 'config file (default: <home>/config/conductor_config.json)',
      global: true,
    })
    .command(coreCommands)
    .command(maintenanceCommands)
    // Runs once yargs has validated the arguments, before the command's handler: the compile
    // cache is kept for commands that ran, not for --help or a typo.
    .middleware(() => markCommandRan())
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    // The terminal's width; none when piped: an example command is never cut in two to fit 100 columns.
    .wrap(process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : null)
    .check(
      (argv, options) =>
        firstProblem(repeatedProblem(argv, options), emptyProblem('--home', argv.home), emptyProblem('--config', argv.config), emptyFlagProblem(argv, options)),
      true,
    )
    // yargs calls this with a message for every usage problem (unknown flag, failed check, bad
    // choice), and with none for an error thrown by a command, which main().catch reports.
    .fail((message: string | null, error: Error | undefined) => {
      if (message === null && error) throw error;
      const said = unknownCommand(argv) ?? message ?? String(error);
      process.stderr.write(`symphony-conductor: ${said}\nRun with --help for usage.\n`);
      process.exit(EXIT.usage);
    });
  // `completion` reads the global flags from the parser's state as yargs leaves it after
  // rendering the help (--help is among them only then): it keeps the rendering.
  if (!argv.includes('completion')) skipHelpCache(parser);
  await parser.parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  process.exitCode = reportError(error);
});

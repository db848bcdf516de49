// `completion bash|zsh|fish`: a completion script with the commands and flags of every command
// module (read from their yargs builders, so new commands appear by themselves) and task names
// asked for at completion time through the hidden `completion --list-tasks`.
import type { Argv, CommandModule } from 'yargs';
import { pathsFrom, printLines, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  shell?: string;
  'list-tasks'?: boolean;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/**
 * The instance yargs hands this command's builder: it keeps the parser's global options
 * (--home, --config, --help, ...) and adds this command's own (OWN), so the global flags are
 * read from it rather than listed a second time.
 */
let parser: Argv<any> | null = null;
const OWN = new Set(['shell', 'list-tasks']);

export const completionCommand: CommandModule<GlobalArgs, Args> = {
  command: 'completion [shell]',
  describe: 'Print a shell completion script (commands, flags, task names)',
  builder: (y) => {
    parser = y;
    return y
      .positional('shell', { choices: SHELLS, describe: 'the shell the script is for' })
      .option('list-tasks', { type: 'boolean', hidden: true, describe: 'print the task names of the config, one a line (used by the scripts)' })
      .example('source <($0 completion bash)', 'complete in this bash session')
      .example('$0 completion fish > ~/.config/fish/completions/symphony-conductor.fish', 'install for fish');
  },
  handler: async (argv) => {
    if (argv['list-tasks']) {
      const { taskNames } = await import('../../app/taskNames.js');
      printLines(taskNames(pathsFrom(argv)));
      return;
    }
    if (!argv.shell) {
      const { ConductorError } = await import('../../core/errors.js');
      throw new ConductorError('USAGE', 'completion: name a shell: bash, zsh or fish');
    }
    const [{ completionScript }, { flagsOf }] = await Promise.all([import('../completion/completionScript.js'), import('../completion/commandTree.js')]);
    const globals = parser ? flagsOf(parser, OWN) : [];
    process.stdout.write(await completionScript(argv.shell as (typeof SHELLS)[number], globals));
  },
};

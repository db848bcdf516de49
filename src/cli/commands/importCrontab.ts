// `import-crontab FILE [--user|--system] [--output FILE]`: a crontab as config tasks
// (spec/beyond.md). Exit 0 every job line imported, 8 some refused, 1 nothing to import.
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  file: string;
  user?: boolean;
  system?: boolean;
  output?: string;
}

export const importCrontabCommand: CommandModule<GlobalArgs, Args> = {
  command: 'import-crontab <file>',
  describe: 'Turn a crontab into config tasks (printed, or added to --output)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the crontab; - reads standard input' })
      .option('user', { type: 'boolean', describe: 'a user crontab (no user column), whatever its path or content' })
      .option('system', { type: 'boolean', describe: 'a system crontab (user column), as /etc/crontab and /etc/cron.d/* are' })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'add the tasks to this config (created if missing; never overwritten)' })
      .conflicts('user', 'system')
      .check((a) => firstProblem(emptyProblem('--output', a.output)))
      .example('$0 import-crontab /etc/cron.d/sysstat', 'print the tasks as a config')
      .example('crontab -l | $0 import-crontab - --output config/conductor_config.json', "add your crontab's jobs to the config"),
  handler: async (argv) => {
    const [{ importCrontabFile }, { renderImport }] = await Promise.all([import('../../app/importCrontab.js'), import('../render/importCrontab.js')]);
    // yargs reads a lone `-` as an empty string.
    const file = argv.file === '' && process.argv.includes('-') ? '-' : argv.file;
    const report = importCrontabFile({ file, user: argv.user, system: argv.system, output: argv.output });
    const { stdout, stderr, exitCode } = renderImport(report);
    if (stderr.length > 0) process.stderr.write(`${stderr.join('\n')}\n`);
    if (stdout !== null) process.stdout.write(stdout);
    process.exitCode = exitCode;
  },
};

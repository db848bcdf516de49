// `validate`: check the config; every error with its path, warnings too.
import type { CommandModule } from 'yargs';
import { formatProblem, isConductorError } from '../../core/errors.js';
import { pathsFrom, stopWhenOutputCloses, printJson, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  json?: boolean;
}

export const validateCommand: CommandModule<GlobalArgs, Args> = {
  command: 'validate',
  describe: 'Check the config; print every problem with its JSON path',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'print the result as JSON' })
      .example('$0 validate', 'check config/conductor_config.json of the current home')
      .example('$0 validate --config /etc/conductor.json', 'check another file'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const { loadConfig } = await import('../../app/loadConfig.js');
    const paths = pathsFrom(argv);
    let loaded;
    try {
      loaded = loadConfig(paths.config, paths.home);
      if (loaded.config.tasks.some((t) => t.watch?.json_schema)) {
        const { compileWatchSchemas } = await import('../../app/watchConfig.js');
        await compileWatchSchemas(loaded.config, paths.home, loaded.shown);
      }
    } catch (error) {
      if (!argv.json || !isConductorError(error)) throw error;
      // A JSON syntax error is its one problem there too, `where` being `file:line:column`.
      printJson({ valid: false, error: error.message, problems: error.problems.length === 0 && error.located ? [error.located] : error.problems });
      process.exitCode = error.exitCode;
      return;
    }
    const { tasks } = loaded.config;
    if (argv.json) {
      printJson({ valid: true, config: loaded.shown, tasks: tasks.length, warnings: loaded.warnings });
      return;
    }
    for (const warning of loaded.warnings) process.stderr.write(`warning: ${formatProblem(warning)}\n`);
    const scheduled = tasks.filter((t) => t.schedule).length;
    const disabled = tasks.filter((t) => !t.enabled).length;
    process.stdout.write(
      `${loaded.shown}: valid, ${tasks.length} task${tasks.length === 1 ? '' : 's'} (${scheduled} scheduled, ${disabled} disabled)\n`,
    );
  },
};

// `doctor [--json]`: checks the home, the daemon, the unit, the clock and the task commands.
import type { CommandModule } from 'yargs';
import { EXIT } from '../../core/errors.js';
import { pathsFrom, printJson, stopWhenOutputCloses, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  json?: boolean;
}

export const doctorCommand: CommandModule<GlobalArgs, Args> = {
  command: 'doctor',
  describe: 'Check the config, folders, history, disk, daemon, unit, clock and task commands; each problem with its fix',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'print [{check, status, message, fix}]' })
      .example('$0 doctor', 'exit 0 when all is well, 8 when a problem was found'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    const [{ runDoctor }, { renderFindings }] = await Promise.all([import('../../app/doctor/doctor.js'), import('../render/doctor.js')]);
    const findings = await runDoctor(pathsFrom(argv));
    if (argv.json) printJson(findings);
    else process.stdout.write(renderFindings(findings, process.stdout.isTTY === true && !process.env.NO_COLOR));
    process.exitCode = findings.some((f) => f.status === 'fail') ? EXIT.taskFailed : EXIT.ok;
  },
};

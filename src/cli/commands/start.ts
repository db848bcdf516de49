// `start`: run the daemon in the foreground (what systemd runs).
import type { CommandModule } from 'yargs';
import { pathsFrom, type GlobalArgs } from '../shared.js';

export const startCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'start',
  describe: 'Run the scheduler daemon in the foreground (SIGTERM/SIGINT: drain and stop; SIGHUP: reload the config)',
  builder: (y) =>
    y
      .example('$0 start', 'schedule the tasks of ./config/conductor_config.json')
      .example('CONDUCTOR_HOME=/var/lib/symphony-conductor $0 start', 'what the systemd unit runs'),
  handler: async (argv) => {
    const { runDaemon } = await import('../../app/daemon.js');
    process.exitCode = await runDaemon(pathsFrom(argv));
  },
};

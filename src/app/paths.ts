// Every file the conductor reads or writes, relative to its home directory (SPEC "Home directory").
import path from 'node:path';

export interface HomePaths {
  home: string;
  config: string;
  logsDir: string;
  conductorLog: string;
  taskLogsDir: string;
  statusDir: string;
  healthDir: string;
  database: string;
  pidFile: string;
}

/** The home: `--home`, else `$CONDUCTOR_HOME`, else the current directory. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.CONDUCTOR_HOME ?? process.cwd();
  return path.resolve(chosen);
}

export function homePaths(home: string, configFlag?: string): HomePaths {
  const logsDir = path.join(home, 'logs');
  const statusDir = path.join(home, 'status');
  return {
    home,
    config: configFlag ? path.resolve(configFlag) : path.join(home, 'config', 'conductor_config.json'),
    logsDir,
    conductorLog: path.join(logsDir, 'symphony_conductor.log'),
    taskLogsDir: path.join(logsDir, 'automation'),
    statusDir,
    healthDir: path.join(statusDir, 'automation_health'),
    database: path.join(statusDir, 'conductor.db'),
    pidFile: path.join(home, 'conductor.pid'),
  };
}

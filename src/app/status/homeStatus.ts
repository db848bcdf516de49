// `status` from the CLI: the home read cold, and, with the queue executor, a short look at Redis
// for the connection and the workers (loaded only then: a local home's status stays as quick).
import { isConductorError } from '../../core/errors.js';
import type { Config } from '../../core/types.js';
import { isDaemonLockHeld } from '../../adapters/daemonLock.js';
import { daemonLockPath } from '../daemonState.js';
import type { HomePaths } from '../paths.js';
import { loadConfig } from '../loadConfig.js';
import { requireHomeFolder } from '../readableHome.js';
import { readRunningConfig } from '../runningConfig.js';
import { coldStatus } from './coldStatus.js';
import type { StatusReport } from './statusReport.js';

const PROBE_MS = 1500;

/**
 * `warn`: told when the config on disk is invalid but a daemon runs on its last good one, which is
 * then shown (the daemon refused the reload and kept it); with no daemon, the error is thrown.
 */
export async function homeStatus(paths: HomePaths, now: number, warn: (message: string) => void = () => {}): Promise<StatusReport> {
  requireHomeFolder(paths.home);
  const config = configShown(paths, warn);
  const report = coldStatus(paths, now, config);
  const { executor } = config.settings;
  if (executor.type !== 'queue' || !executor.redis_url) return report;
  const { probeExecutor } = await import('../../adapters/queue/probeExecutor.js');
  return { ...report, executor: await probeExecutor(executor.redis_url, executor.prefix, PROBE_MS, now) };
}

/** What can be wrong with the config file while the daemon runs on the config it read before. */
const FILE_PROBLEMS = new Set(['CONFIG_INVALID', 'CONFIG_JSON', 'CONFIG_NOT_FOUND', 'CONFIG_UNREADABLE', 'CONFIG_EMPTY']);

function configShown(paths: HomePaths, warn: (message: string) => void): Config {
  try {
    return loadConfig(paths.config).config;
  } catch (error) {
    if (!isConductorError(error) || !FILE_PROBLEMS.has(error.code)) throw error;
    const running = isDaemonLockHeld(daemonLockPath(paths), paths.home) ? readRunningConfig(paths) : null;
    if (!running) throw error;
    const lines = error.lines();
    warn(`${lines.join('\n')}\nthe daemon keeps running on its last good config (${running.shown}), shown below; fix the file, then reload it (SIGHUP)`);
    return running.config;
  }
}

// `status` from the CLI: the home read cold, and, with the queue executor, a short look at Redis
// for the connection and the workers (loaded only then: a local home's status stays as quick).
import type { HomePaths } from '../paths.js';
import { loadConfig } from '../loadConfig.js';
import { coldStatus } from './coldStatus.js';
import type { StatusReport } from './statusReport.js';

const PROBE_MS = 1500;

export async function homeStatus(paths: HomePaths, now: number): Promise<StatusReport> {
  const { config } = loadConfig(paths.config);
  const report = coldStatus(paths, now, config);
  const { executor } = config.settings;
  if (executor.type !== 'queue' || !executor.redis_url) return report;
  const { probeExecutor } = await import('../../adapters/queue/probeExecutor.js');
  return { ...report, executor: await probeExecutor(executor.redis_url, executor.prefix, PROBE_MS, now) };
}

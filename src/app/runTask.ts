// `run`: a task by hand goes to the daemon when one runs on the home (its concurrency_policy
// and max_concurrent_tasks then hold for it too), else it runs here, in the foreground, as does
// `run --all` always, and a watch task's once-mode (it processes the folder's files here and says
// how they went; the daemon's own watch of the folder leaves the files this process claims).
import { ConductorError } from '../core/errors.js';
import type { Config } from '../core/types.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { findDaemon } from './remote/daemonEndpoint.js';
import { runForeground, type ForegroundRequest, type ForegroundResult, type ProgressEvent } from './runForeground.js';

export async function runTask(
  paths: HomePaths,
  request: ForegroundRequest,
  onEvent: (event: ProgressEvent) => void,
  note: (text: string) => void,
): Promise<ForegroundResult> {
  // Read and checked once (1,000 tasks: ~50 ms), for the watch question and the run itself.
  const config = readConfig(paths);
  // --watch-timeout bounds once-mode only: given for anything else, it would be silently ignored.
  if (request.watchTimeout !== undefined && config && (request.all || (request.task !== undefined && config.tasks.some((t) => t.name === request.task) && !isWatchTask(config, request.task)))) {
    throw new ConductorError('USAGE', `--watch-timeout goes with run --task of a watch task (one with "watch"); ${request.all ? 'run --all' : `task "${request.task}"`} does not watch a folder`);
  }
  if (!request.all && request.task !== undefined && !isWatchTask(config, request.task)) {
    const daemon = findDaemon(paths);
    if (daemon.kind === 'api') {
      const { runViaDaemon } = await import('./remote/runViaDaemon.js');
      try {
        return await runViaDaemon(daemon, { task: request.task, withDeps: request.withDeps, approved: request.approved === true }, onEvent);
      } catch (error) {
        // A standby of a cluster takes no writes: the run goes on here, in the foreground, as
        // the operator asked; its rows reach the cluster through the standby's publisher.
        if ((error as { apiCode?: string }).apiCode !== 'standby') throw error; // a DaemonRefused (loaded with the client)
        note('the daemon on this home is a standby of its cluster: running here, in the foreground; its rows are published to the cluster');
      }
    }
    if (daemon.kind === 'no_api') note('the daemon on this home serves no API (settings.http.enabled is false): running here, outside its limits');
  }
  return runForeground(paths, request, onEvent, config ?? undefined);
}

/** The home's config, or null when it cannot be loaded (runForeground loads it again and says why). */
function readConfig(paths: HomePaths): Config | null {
  try {
    return loadConfig(paths.config).config;
  } catch {
    return null;
  }
}

/** Whether the named task watches a folder (an unknown name or a bad config: not here, runForeground says why). */
function isWatchTask(config: Config | null, name: string): boolean {
  return config?.tasks.some((task) => task.name === name && task.watch !== null) ?? false;
}

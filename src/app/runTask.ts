// `run`: a task by hand goes to the daemon when one runs on the home (its concurrency_policy
// and max_concurrent_tasks then hold for it too), else it runs here, in the foreground, as does
// `run --all` (once-mode) always.
import type { RunEvent } from '../engine/events.js';
import type { HomePaths } from './paths.js';
import { findDaemon } from './remote/daemonEndpoint.js';
import { runForeground, type ForegroundRequest, type ForegroundResult } from './runForeground.js';

export async function runTask(
  paths: HomePaths,
  request: ForegroundRequest,
  onEvent: (event: RunEvent) => void,
  note: (text: string) => void,
): Promise<ForegroundResult> {
  if (!request.all && request.task !== undefined) {
    const daemon = findDaemon(paths);
    if (daemon.kind === 'api') {
      const { runViaDaemon } = await import('./remote/runViaDaemon.js');
      return runViaDaemon(daemon, { task: request.task, withDeps: request.withDeps }, onEvent);
    }
    if (daemon.kind === 'no_api') note('the daemon on this home serves no API (settings.http.enabled is false): running here, outside its limits');
  }
  return runForeground(paths, request, onEvent);
}

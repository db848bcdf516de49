// A running daemon's home, checked every second: what an operator removed under it (`rm -rf
// status/`, `rm conductor.pid`) is made again, so the lock, the history and the pid file keep
// meaning what they say. Logs and health files make their own folders when they write. While runs
// are going, the pid file's mtime is renewed at every check: the daemon's heartbeat, its last sign
// of life after a crash (its runs ended then); an idle daemon writes nothing.
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import type { DaemonLock } from '../adapters/daemonLock.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/runStore.js';
import type { HomePaths } from './paths.js';
import { beatPidFile, readPidFile } from './pidFile.js';

const CHECK_MS = 1000;

/** Starts the watch; returns the function that stops it. */
export function watchHome(
  paths: HomePaths,
  lock: DaemonLock,
  store: RunStore,
  logger: Logger,
  heartbeat: { now: () => number; busy: () => boolean },
): () => void {
  let lastProblem = '';
  const check = () => {
    try {
      const healed = store.heal?.();
      if (healed) logger.warn({ file: paths.database }, healed);
      if (lock.repair()) logger.warn({ file: paths.statusDir }, 'the daemon lock file was removed while the daemon ran; taken again');
      const pid = readPidFile(paths.pidFile);
      if (pid === null) {
        writeFileAtomic(paths.pidFile, `${process.pid}\n`);
        logger.warn({ file: paths.pidFile }, 'the pid file was removed while the daemon ran; written again');
      } else if (pid === process.pid && heartbeat.busy()) beatPidFile(paths.pidFile, heartbeat.now());
      lastProblem = '';
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== lastProblem) logger.error({ err: problem }, 'cannot make again what was removed from the home; trying again every second');
      lastProblem = problem;
    }
  };
  const timer = setInterval(check, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

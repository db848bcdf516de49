// The config the daemon runs on, kept beside its lock (written at start and at each reload it
// accepts). When the file on disk is edited into an invalid one, the daemon refuses the reload and
// keeps this one: `status` then shows the tasks as they run, not an error (an operator checks
// `status` exactly then). Mode 0600: task `env` may hold secrets, as the api.token beside it does.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import type { Config } from '../core/types.js';
import type { HomePaths } from './paths.js';

export function runningConfigPath(paths: HomePaths): string {
  return path.join(paths.statusDir, 'daemon-config.json');
}

/** Null when written; else why not (a full disk must not stop the daemon: status then reads the file on disk only). */
export function writeRunningConfig(paths: HomePaths, config: Config, shown: string): string | null {
  try {
    writeFileAtomic(runningConfigPath(paths), JSON.stringify({ shown, config }), { mode: 0o600 });
    return null;
  } catch (error) {
    // An older one left there would show a config the daemon no longer runs.
    try {
      fs.rmSync(runningConfigPath(paths), { force: true });
    } catch {
      // nothing more to do: status checks the lock and the file's shape
    }
    return (error as Error).message;
  }
}

/** What the daemon last wrote (its config and the path it was read from), or null. */
export function readRunningConfig(paths: HomePaths): { shown: string; config: Config } | null {
  try {
    const read = JSON.parse(fs.readFileSync(runningConfigPath(paths), 'utf8')) as { shown?: unknown; config?: { tasks?: unknown; settings?: unknown } };
    if (typeof read.shown !== 'string' || !Array.isArray(read.config?.tasks) || typeof read.config?.settings !== 'object') return null;
    return read as { shown: string; config: Config };
  } catch {
    return null;
  }
}

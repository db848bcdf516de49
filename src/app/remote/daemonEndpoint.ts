// Where the daemon of a home answers, for the CLI commands that talk to it (pause, resume,
// cancel, and run --task while it runs): its lock says whether it runs, status/http.url where,
// the token file (or $CONDUCTOR_API_TOKEN) with what.
import fs from 'node:fs';
import os from 'node:os';
import { isDaemonLockHeld } from '../../adapters/daemonLock.js';
import { ConductorError } from '../../core/errors.js';
import { readMainToken } from '../api/apiTokens.js';
import { httpUrlFile } from '../daemonHttpPaths.js';
import { daemonLockPath } from '../daemonState.js';
import type { HomePaths } from '../paths.js';

export type Endpoint = { kind: 'api'; url: string; token: string } | { kind: 'none' } | { kind: 'no_api' };

export function findDaemon(paths: HomePaths): Endpoint {
  if (!isDaemonLockHeld(daemonLockPath(paths))) return { kind: 'none' };
  let url: string;
  try {
    url = fs.readFileSync(httpUrlFile(paths), 'utf8').trim();
  } catch {
    return { kind: 'no_api' };
  }
  if (!/^https?:\/\/\S+$/.test(url)) return { kind: 'no_api' };
  return { kind: 'api', url, token: readMainToken(paths) };
}

/** For the commands that only work through the daemon: its endpoint, or a clear error (exit 1). */
export function requireDaemon(paths: HomePaths, command: string): { url: string; token: string } {
  const found = findDaemon(paths);
  if (found.kind === 'api') return found;
  if (found.kind === 'none') {
    throw new ConductorError('USAGE', `no daemon is running on ${paths.home}: ${command} talks to the running daemon (start it with \`symphony-conductor start\`)`);
  }
  throw new ConductorError('USAGE', `the daemon on ${paths.home} serves no API (settings.http.enabled is false, or it is still starting): ${command} needs it`);
}

/** The OS user running the CLI, as the audit log names it. */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

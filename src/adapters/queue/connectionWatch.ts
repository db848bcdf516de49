// Says what a Redis connection does, for the operator: ioredis retries forever in silence, so a
// worker given a wrong URL sat after "connecting to Redis" for good, and a scheduler whose Redis
// was down from its start never said so. The first failed attempt is a warning at once, naming
// the URL (without its password) and the cause (ECONNREFUSED, ENOTFOUND, ETIMEDOUT), said again
// when the cause changes or every 30 s while it lasts; connecting (again) is one line. Retrying
// is left to the client: Redis may come up later.
import type { Logger } from '../../ports/logger.js';

/** While the connection keeps failing for the same cause, the warning is said again this often. */
export const WARN_EVERY_MS = 30_000;

/** The events of an ioredis client this listens to. */
export interface ConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
}

export interface ConnectionWatchOptions {
  /** The URL, already without its password. */
  url: string;
  /** Who connects, at the head of each line: `worker gpu-1`, `queue executor`. */
  who: string;
  /** What waits meanwhile, for the warning: `it takes no job until then`. */
  meanwhile: string;
  logger: Logger;
  now?: () => number;
}

export function watchConnection(client: ConnectionEvents, options: ConnectionWatchOptions): void {
  const { url, who, meanwhile, logger } = options;
  const now = options.now ?? Date.now;
  let up = false;
  let everUp = false;
  /** Since when it fails, when it last said so, and why. */
  let failingSince: number | null = null;
  let warnedAt: number | null = null;
  let cause: string | null = null;
  client.on('error', (error) => {
    // An error on a connection that is up is followed by its close; the reconnection's own error says why.
    if (up) return;
    const at = now();
    failingSince ??= at;
    if (warnedAt !== null && error.message === cause && at - warnedAt < WARN_EVERY_MS) return;
    const lasting = at - failingSince >= 1000 ? ` for ${Math.round((at - failingSince) / 1000)} s` : '';
    logger.warn(
      { redis: url, err: error.message },
      `${who}: cannot ${everUp ? 'reconnect' : 'connect'} to Redis at ${url}${lasting}: ${error.message}; retrying (${meanwhile})`,
    );
    warnedAt = at;
    cause = error.message;
  });
  client.on('ready', () => {
    up = true;
    logger.info({ redis: url }, `${who}: connected to Redis at ${url}${everUp ? ' again' : ''}`);
    everUp = true;
    failingSince = null;
    warnedAt = null;
    cause = null;
  });
  client.on('close', () => (up = false));
}

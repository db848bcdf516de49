// Who a request is for the audit log: `api:<token label>`, or the OS user the CLI sent (source
// `cli`); and the query string's values as the routes take them.
import type { FastifyRequest } from 'fastify';
import { MAIN_TOKEN_LABEL } from '../../../core/config/httpProblems.js';
import type { Caller } from '../../../ports/daemonApi.js';

/**
 * The OS user the CLI of this host says it runs as (`cli_user` in the body), or null. Believed
 * only with the main token (readable from the home, so the daemon's own user or root) from this
 * host: any other caller naming a user would write another person into the audit log (and make
 * its run a CLI run's `manual` one, and its cancel an interrupt).
 */
export function cliUserOf(request: FastifyRequest): string | null {
  const user = (request.body as { cli_user?: unknown } | undefined)?.cli_user;
  if (typeof user !== 'string' || user === '') return null;
  const label = (request as FastifyRequest & { tokenLabel?: string }).tokenLabel;
  return label === MAIN_TOKEN_LABEL && fromThisHost(request.socket.remoteAddress, request.socket.localAddress) ? user : null;
}

/** Loopback, or this host's own address (a daemon bound to one, with allow_remote: the CLI connects to it from it). */
function fromThisHost(remote: string | undefined, local: string | undefined): boolean {
  if (!remote) return false;
  const v4 = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  return v4.startsWith('127.') || remote === '::1' || remote === local;
}

export function callerOf(request: FastifyRequest): Caller {
  const label = (request as FastifyRequest & { tokenLabel?: string }).tokenLabel ?? 'unknown';
  const user = cliUserOf(request);
  return user ? { actor: user, source: 'cli', token: label } : { actor: `api:${label}`, source: 'api', token: label };
}

/** An ISO 8601 time from a query string, or a 400 naming the parameter. */
export function instantOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    const error = new Error(`querystring/${name} must be an ISO 8601 time with a zone, e.g. 2025-06-02T10:00:00Z; got "${text}"`) as Error & { statusCode: number };
    error.statusCode = 400;
    throw error;
  }
  return ms;
}

/**
 * A query string's empty values as absent (a preValidation hook): `?task=&limit=` is no task
 * filter and the default limit, as a form or a URL template sends it, not a 400.
 */
export async function emptyAsAbsent(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  for (const name of Object.keys(query)) if (query[name] === '') delete query[name];
}

// Who a request is for the audit log: `api:<token label>`, or the OS user the CLI sent with
// the main token (source `cli`); and the query string's values as the routes take them.
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../../ports/daemonApi.js';

export function callerOf(request: FastifyRequest): Caller {
  const label = (request as FastifyRequest & { tokenLabel?: string }).tokenLabel ?? 'unknown';
  const user = (request.body as { cli_user?: string } | undefined)?.cli_user;
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

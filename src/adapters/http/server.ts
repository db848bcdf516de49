// The daemon's HTTP server (Fastify): `/api/` routes behind a bearer token, `/health`,
// `/metrics` and the dashboard's files open. Requests are answered from the daemon's memory or one indexed query, so no
// request holds up a fire; bodies are small JSON (64 KiB at most). Its warnings and errors go to
// the conductor's log (pino) under `http`; requests themselves are not logged.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { maxHeaderSize } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonApi } from '../../ports/daemonApi.js';
import type { Logger } from '../../ports/logger.js';
import type { WebhookReceiver } from '../../ports/webhookReceiver.js';
import { eventStreamToken, tokenChecker, type AuthResult, type Token } from './auth.js';
import type { Metrics } from './metrics.js';
import { clientErrorHandler, errorHandler, sendError } from './replyError.js';
import { validatorCompiler } from './validators.js';
import { actionRoutes } from './routes/actionRoutes.js';
import { openRoutes } from './routes/openRoutes.js';
import { readRoutes } from './routes/readRoutes.js';
import { streamRoutes } from './routes/streamRoutes.js';
import { webhookRoutes } from './routes/webhookRoutes.js';
import { webRoutes } from './routes/webRoutes.js';
import type { WebFile } from './webAssets.js';

const BODY_LIMIT = 64 * 1024;

export interface HttpServerOptions {
  host: string;
  port: number;
  tokens: readonly Token[];
  api: DaemonApi;
  metrics: Metrics;
  logger: Logger;
  /** `POST /hooks/<task>` (spec/triggers.md); absent: no hooks served. */
  webhooks?: WebhookReceiver;
  /** The dashboard's built files by URL path (empty: `GET /` says it is not built). */
  web: ReadonlyMap<string, WebFile>;
}

export interface HttpServer {
  url: string;
  /** New tokens (a reload); requests from now on are checked against them. */
  setTokens(tokens: readonly Token[]): void;
  close(): Promise<void>;
}

/** Listens, or throws a message fit for the operator (a port in use, an address not here). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  let check: (header: string | undefined) => AuthResult = tokenChecker(options.tokens);
  const onError = errorHandler(options.logger);
  const app = Fastify({
    loggerInstance: loggerShim(options.logger),
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
    // A path parameter as long as the request line can be: an over-long task name or run id is
    // then looked up and not found (404), as any other unknown one, not Fastify's own 414.
    routerOptions: { maxParamLength: maxHeaderSize },
    // A path that is not valid percent-encoding, and a request Node cannot parse at all (not
    // HTTP, headers over maxHeaderSize), are answered in the error shape too.
    frameworkErrors: onError,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler()); // query strings coerced from text, JSON bodies not
  app.removeContentTypeParser('text/plain'); // JSON bodies only: anything else is a clear 400
  app.setErrorHandler(onError);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  app.addHook('onRequest', async (request: FastifyRequest & { tokenLabel?: string }, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const result = check(request.headers.authorization ?? eventStreamToken(request.url));
    if (!result.ok) {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 401, 'unauthorized', result.message);
    }
    request.tokenLabel = result.label;
  });
  register(app, options);
  if (options.webhooks) webhookRoutes(app, { receiver: options.webhooks, authorize: (header) => check(header), metrics: options.metrics, logger: options.logger });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close().catch(() => {});
    throw new Error(listenProblem(error as NodeJS.ErrnoException, options.host, options.port));
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    setTokens: (tokens) => (check = tokenChecker(tokens)),
    close: () => app.close(),
  };
}

function register(app: FastifyInstance, options: HttpServerOptions): void {
  openRoutes(app, options.api, options.metrics);
  readRoutes(app, options.api);
  streamRoutes(app, options.api, options.logger);
  actionRoutes(app, options.api);
  webRoutes(app, options.web);
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') return `cannot listen on ${where}: the port is in use (settings.http.port; 0 picks a free one)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such address on this machine (settings.http.host)`;
  if (error.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges; settings.http.port)`;
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `cannot listen on ${where}: the host name does not resolve (settings.http.host)`;
  return `cannot listen on ${where}: ${error.message}`;
}

/** Fastify's logger interface over the conductor's: warnings and errors only. */
function loggerShim(logger: Logger): FastifyBaseLogger {
  const fields = (args: unknown[]) => (typeof args[0] === 'object' && args[0] !== null ? { ...(args[0] as object), component: 'http' } : { component: 'http' });
  const message = (args: unknown[]) => String(args.find((a) => typeof a === 'string') ?? (args[0] instanceof Error ? args[0].message : 'http'));
  const silent = () => {};
  const shim: FastifyBaseLogger = {
    level: 'warn',
    trace: silent,
    debug: silent,
    info: silent,
    warn: (...args: unknown[]) => logger.warn(fields(args), message(args)),
    error: (...args: unknown[]) => logger.error(fields(args), message(args)),
    fatal: (...args: unknown[]) => logger.error(fields(args), message(args)),
    silent,
    child: () => shim,
  } as unknown as FastifyBaseLogger;
  return shim;
}

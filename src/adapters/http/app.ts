// The daemon's HTTP application (Fastify): `/api/` routes behind a bearer token, `/health`,
// `/metrics`, the dashboard's files and the webhooks. Built on the listening server the first
// time a request comes (server.ts): Fastify, ajv and the routes are ~6 MB of the idle daemon's
// memory that a daemon nobody asks over HTTP never needs. Requests are answered from the
// daemon's memory or one indexed query, so no request holds up a fire; bodies are small JSON
// (64 KiB at most). Its warnings and errors go to the conductor's log (pino) under `http`;
// requests themselves are not logged.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { eventStreamToken, type AuthResult } from './auth.js';
import { clientErrorHandler, errorHandler, sendError } from './replyError.js';
import { validatorCompiler } from './validators.js';
import { actionRoutes } from './routes/actionRoutes.js';
import { openRoutes } from './routes/openRoutes.js';
import { readRoutes } from './routes/readRoutes.js';
import { streamRoutes } from './routes/streamRoutes.js';
import { webhookRoutes } from './routes/webhookRoutes.js';
import { webRoutes } from './routes/webRoutes.js';
import type { HttpServerOptions } from './server.js';
import type { Logger } from '../../ports/logger.js';

const BODY_LIMIT = 64 * 1024;

export interface HttpApp {
  /** Answers one request of the server the app was built on. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Refuses new requests (503) and ends the open streams whole; the server's connections are the caller's to close. */
  close(): Promise<void>;
}

/** The app over `server`, which already listens; `check` is asked for each `/api/` request (tokens change on a reload). */
export async function buildHttpApp(server: Server, options: HttpServerOptions, check: (header: string | undefined) => AuthResult): Promise<HttpApp> {
  const onError = errorHandler(options.logger);
  let handle: HttpApp['handle'] | null = null;
  const before = new Set(server.listeners('clientError'));
  const app = Fastify({
    // The server is ours (it listened at start); Fastify gets its request handler to call.
    serverFactory: (handler) => {
      handle = handler;
      return server;
    },
    loggerInstance: loggerShim(options.logger),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // A path parameter as long as the request line can be: an over-long task name or run id is
    // then looked up and not found (404), as any other unknown one, not Fastify's own 414.
    routerOptions: { maxParamLength: maxHeaderSize },
    // A path that is not valid percent-encoding is answered in the error shape too.
    frameworkErrors: onError,
    clientErrorHandler,
  });
  // Fastify adds a 'clientError' listener of its own to the server it is given; the server has
  // had ours (the same handler) since it started listening.
  for (const listener of server.listeners('clientError')) {
    if (!before.has(listener)) server.removeListener('clientError', listener as (...args: unknown[]) => void);
  }
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
  if (options.webhooks) webhookRoutes(app, { receiver: options.webhooks, authorize: check, metrics: options.metrics, logger: options.logger });
  await app.ready();
  const handler = handle as HttpApp['handle'] | null;
  if (!handler) throw new Error('Fastify did not hand over its request handler');
  return { handle: handler, close: () => app.close() };
}

function register(app: FastifyInstance, options: HttpServerOptions): void {
  openRoutes(app, options.api, options.metrics);
  readRoutes(app, options.api);
  streamRoutes(app, options.api, options.logger);
  actionRoutes(app, options.api);
  webRoutes(app, options.web);
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

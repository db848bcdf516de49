// The daemon's HTTP server. It listens at start (a port in use is an error before anything
// runs, and status/http.url is right at once), on a plain node:http server; the application
// (Fastify, ajv, the routes: app.ts) is built the first time a request comes, and the requests
// that come meanwhile wait for it. An idle daemon nobody asks over HTTP so never loads it (~6 MB
// of its memory, and part of its start-up); the first request waits for it once (~0.3 s on a
// 2-core VM: loading Fastify and compiling the routes' schemas).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonApi } from '../../ports/daemonApi.js';
import type { Logger } from '../../ports/logger.js';
import type { WebhookReceiver } from '../../ports/webhookReceiver.js';
import type { HttpApp } from './app.js';
import { tokenChecker, type AuthResult, type Token } from './auth.js';
import type { Metrics } from './metrics.js';
import { clientErrorHandler } from './replyError.js';
import type { WebFile } from './webAssets.js';

/** Fastify's defaults, which the server had when Fastify made it. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

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
  const servers: http.Server[] = [];
  let app: HttpApp | null = null;
  let building: Promise<HttpApp> | null = null;
  let closing = false;
  const waiting: [http.IncomingMessage, http.ServerResponse][] = [];

  const build = (server: http.Server) => {
    if (building) return;
    building = import('./app.js')
      .then(({ buildHttpApp }) => buildHttpApp(server, options, (header) => check(header)))
      .then(
        (built) => {
          app = built;
          for (const [request, response] of waiting.splice(0)) built.handle(request, response);
          return built;
        },
        (error: Error) => {
          // Said, and each request waiting is answered; the next request tries again.
          options.logger.error({ component: 'http', err: error.message }, 'the HTTP server cannot answer: its application did not load');
          for (const [, response] of waiting.splice(0)) answer(response, 500, 'internal', `internal error: the HTTP application did not load: ${error.message}`);
          building = null;
          throw error;
        },
      );
    building.catch(() => {});
  };
  const onRequest = (server: http.Server) => (request: http.IncomingMessage, response: http.ServerResponse) => {
    // Stopping: a new request is refused in the contract's error shape (Fastify's own 503 has
    // another), whether or not the application was ever built.
    if (closing) return answer(response, 503, 'unavailable', 'the daemon is stopping', true);
    if (app) return app.handle(request, response);
    waiting.push([request, response]);
    build(server);
  };
  const serve = () => {
    const server = http.createServer();
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.requestTimeout = 0;
    server.on('request', onRequest(server));
    server.on('clientError', clientErrorHandler);
    return server;
  };

  const main = serve();
  try {
    await listen(main, options.host, options.port);
  } catch (error) {
    throw new Error(listenProblem(error as NodeJS.ErrnoException, options.host, options.port));
  }
  servers.push(main);
  const address = main.address() as AddressInfo;
  // `localhost` is both 127.0.0.1 and ::1 (as Fastify's own listen did): the other one too, if it can.
  if (options.host === 'localhost') servers.push(...(await otherLoopbacks(address, serve)));
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    setTokens: (tokens) => (check = tokenChecker(tokens)),
    async close() {
      closing = true;
      const built = app ?? (building ? await building.catch(() => null) : null);
      // New requests get 503 and the open streams end whole, while the connections are still up.
      if (built) await built.close();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen({ host, port }, () => {
      server.removeListener('error', failed);
      resolve();
    });
  });
}

/** The loopback addresses `localhost` also names, each listened on at the same port (best effort). */
async function otherLoopbacks(main: AddressInfo, serve: () => http.Server): Promise<http.Server[]> {
  const { lookup } = await import('node:dns/promises');
  const addresses = await lookup('localhost', { all: true }).catch(() => []);
  const more: http.Server[] = [];
  for (const { address } of addresses) {
    if (address === main.address) continue;
    const server = serve();
    try {
      await listen(server, address, main.port);
      more.push(server);
    } catch {
      // that address is not there, or the port is taken on it: the main address serves
    }
  }
  return more;
}

/** An answer in the error shape, for a request that never reached the application. */
function answer(response: http.ServerResponse, status: number, code: string, message: string, close = false): void {
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(body);
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') return `cannot listen on ${where}: the port is in use (settings.http.port; 0 picks a free one)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such address on this machine (settings.http.host)`;
  if (error.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges; settings.http.port)`;
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `cannot listen on ${where}: the host name does not resolve (settings.http.host)`;
  return `cannot listen on ${where}: ${error.message}`;
}

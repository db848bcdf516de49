// The daemon's optional read-only HTTP endpoint: GET /health and GET /status, on loopback by
// default. Each body is built before anything is written, so a failure is a clean 500, and the
// server never throws into the daemon.
import http from 'node:http';
import type { Logger } from '../ports/logger.js';

export function serveStatus(
  options: { host: string; port: number },
  routes: { health: () => unknown; status: () => unknown },
  logger: Logger,
): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const route = request.method === 'GET' ? (request.url ?? '').split('?')[0] : null;
    const body = route === '/health' ? routes.health : route === '/status' ? routes.status : null;
    let status = 200;
    let text: string;
    if (!body) {
      status = 404;
      text = '{"error":"not found"}\n';
    } else {
      try {
        text = `${JSON.stringify(body())}\n`;
      } catch (error) {
        status = 500;
        text = `${JSON.stringify({ error: (error as Error).message })}\n`;
        logger.error({ route, err: (error as Error).message }, 'status request failed');
      }
    }
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error({ err: error.message }, 'status endpoint error'));
      logger.info({ host: options.host, port: options.port }, 'status endpoint listening');
      resolve(server);
    });
  });
}

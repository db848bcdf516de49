// The daemon's optional read-only HTTP endpoint: GET /health and GET /status, on loopback by default.
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
    if (!body) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}\n');
      return;
    }
    try {
      response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(body())}\n`);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: (error as Error).message })}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      logger.info({ host: options.host, port: options.port }, 'status endpoint listening');
      resolve(server);
    });
  });
}

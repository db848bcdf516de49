// The routes open without a token: `GET /health` (200 ok, or 503 degraded with the reason) and
// `GET /metrics` (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { DaemonApi } from '../../../ports/daemonApi.js';
import type { Metrics } from '../metrics.js';

export function openRoutes(app: FastifyInstance, api: DaemonApi, metrics: Metrics): void {
  app.get('/health', async (_request, reply) => {
    const health = api.health();
    return reply.code(health.status === 'ok' ? 200 : 503).send(health);
  });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}

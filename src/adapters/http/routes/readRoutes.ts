// The API's reads: status (what `status --json` prints), tasks, one task, the DAG, runs (paged
// with `before`), one run, the audit log. An empty query value is no value.
import type { FastifyInstance } from 'fastify';
import type { RunStatus, Trigger } from '../../../core/types.js';
import type { DaemonApi } from '../../../ports/daemonApi.js';
import { emptyAsAbsent, instantOf } from './caller.js';
import { auditQuery, runParams, runsQuery, taskParams } from './schemas.js';

export function readRoutes(app: FastifyInstance, api: DaemonApi): void {
  app.get('/api/v1/status', async (_request, reply) => reply.type('application/json; charset=utf-8').send(api.statusBody()));
  app.get('/api/v1/tasks', async () => api.tasks());
  app.get<{ Params: { name: string } }>('/api/v1/tasks/:name', { schema: { params: taskParams } }, async (request) => api.task(request.params.name));
  app.get('/api/v1/graph', async () => api.graph());
  app.get<{ Querystring: { task?: string; status?: RunStatus; trigger?: Trigger; limit: number; before?: string } }>(
    '/api/v1/runs',
    { schema: { querystring: runsQuery }, preValidation: emptyAsAbsent },
    async (request) => {
      const { task, status, trigger, limit, before } = request.query;
      return api.runs({ task, status, trigger, limit, before: instantOf('before', before) });
    },
  );
  app.get<{ Params: { run_id: string } }>('/api/v1/runs/:run_id', { schema: { params: runParams } }, async (request) => api.run(request.params.run_id));
  app.get<{ Querystring: { since?: string; limit: number } }>('/api/v1/audit', { schema: { querystring: auditQuery }, preValidation: emptyAsAbsent }, async (request) =>
    api.audit({ since: instantOf('since', request.query.since), limit: request.query.limit }),
  );
}

// The API's writes: run a task now (202), pause and resume it, cancel a run (202), and the
// approval decisions on a run awaiting approval (workflow.md). A standby of a cluster
// (settings.ha) answers every write 503, naming the leader to ask.
import type { FastifyInstance } from 'fastify';
import type { DaemonApi } from '../../../ports/daemonApi.js';
import { callerOf, cliUserOf } from './caller.js';
import { actorBody, cancelBody, decisionBody, runBody, runParams, taskParams } from './schemas.js';

export function actionRoutes(app: FastifyInstance, api: DaemonApi): void {
  // A POST with no body at all is the same as `{}`.
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && request.body === undefined) request.body = {};
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const refusal = api.standby();
    if (!refusal) return;
    if (refusal.leader_url) reply.header('location', `${refusal.leader_url}${request.url}`);
    return reply.code(503).type('application/json; charset=utf-8').send({ error: { code: 'standby', message: refusal.message, leader: refusal.leader, leader_url: refusal.leader_url } });
  });
  app.post<{ Params: { name: string }; Body: { with_deps?: boolean; approved?: boolean; cli_user?: string } }>(
    '/api/v1/tasks/:name/run',
    { schema: { params: taskParams, body: runBody } },
    async (request, reply) => {
      const { with_deps: withDeps = false, approved = false } = request.body;
      // `run --task` of this host's CLI is a manual run; any other caller's is an API run.
      return reply.code(202).send(api.startRun(request.params.name, { withDeps, manual: cliUserOf(request) !== null, approved }, callerOf(request)));
    },
  );
  app.post<{ Params: { name: string } }>('/api/v1/tasks/:name/pause', { schema: { params: taskParams, body: actorBody } }, async (request) =>
    api.pause(request.params.name, callerOf(request)),
  );
  app.post<{ Params: { name: string } }>('/api/v1/tasks/:name/resume', { schema: { params: taskParams, body: actorBody } }, async (request) =>
    api.resume(request.params.name, callerOf(request)),
  );
  app.post<{ Params: { run_id: string }; Body: { interrupted_by?: string } }>(
    '/api/v1/runs/:run_id/cancel',
    { schema: { params: runParams, body: cancelBody } },
    // `interrupted_by`: the signal a following `run --task` of this host's CLI was stopped by (the run ends interrupted, not cancelled).
    async (request, reply) => reply.code(202).send(api.cancel(request.params.run_id, callerOf(request), cliUserOf(request) !== null ? (request.body.interrupted_by ?? null) : null)),
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { run_id: string }; Body: { comment?: string } }>(
      `/api/v1/runs/:run_id/${decision}`,
      { schema: { params: runParams, body: decisionBody } },
      async (request) => api.decide(request.params.run_id, decision, request.body.comment ?? null, callerOf(request)),
    );
  }
}

// `POST /hooks/<task>` (spec/triggers.md), in a scope of its own: the body is kept as raw bytes
// (the signature is over them) up to 1 MiB, whatever its Content-Type. The task and, for a hook
// without a secret, the API token are checked before the body is read; then the signature, then
// that the body is JSON. Each delivery is one log line and one count of
// conductor_webhooks_total{task, result}; a refusal writes nothing else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiRefusal } from '../../../ports/daemonApi.js';
import type { Logger } from '../../../ports/logger.js';
import type { DeliveryOutcome, WebhookReceiver, WebhookTarget } from '../../../ports/webhookReceiver.js';
import type { AuthResult } from '../auth.js';
import type { Metrics } from '../metrics.js';
import { errorHandler } from '../replyError.js';
import { checkSignature } from '../webhookSignature.js';

export const HOOK_BODY_LIMIT = 1024 * 1024;
const HEADER_MAX = 200;

type HookRequest = FastifyRequest & { hookTarget?: WebhookTarget };
const taskOf = (request: FastifyRequest) => (request.params as { task?: string } | undefined)?.task ?? '';

export interface WebhookRouteParts {
  receiver: WebhookReceiver;
  /** The API token check of the server (tokens change on reload). */
  authorize(header: string | undefined): AuthResult;
  metrics: Metrics;
  logger: Logger;
}

export function webhookRoutes(app: FastifyInstance, parts: WebhookRouteParts): void {
  const { receiver, logger } = parts;
  const fallback = errorHandler(logger);
  const header = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  /** Logs and counts a delivery's result, then answers. */
  const answer = (request: HookRequest, reply: FastifyReply, result: string, status: number, body: unknown, reason?: string) => {
    const task = taskOf(request);
    if (receiver.hasTask(task)) parts.metrics.webhook(task, result);
    const fields = { component: 'webhook', task, result, status, delivery: header(request, 'x-github-delivery'), event: header(request, 'x-github-event') };
    if (status >= 400) logger.warn({ ...fields, reason }, `webhook refused: ${reason}`);
    else logger.info(fields, `webhook ${result}`);
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  };
  const refuse = (request: HookRequest, reply: FastifyReply, status: number, code: string, result: string, message: string) => {
    if (status === 401) reply.header('www-authenticate', request.hookTarget?.secret ? 'HMAC-SHA256' : 'Bearer');
    return answer(request, reply, result, status, { error: { code, message } }, message);
  };

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, request: HookRequest, reply) => {
      const code = (error as { code?: string }).code;
      const status = code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : null;
      if (status === 413) {
        return refuse(request, reply, 413, 'too_large', 'too_large', `the body is larger than the ${HOOK_BODY_LIMIT} bytes (1 MiB) a webhook may send`);
      }
      if (receiver.hasTask(taskOf(request))) parts.metrics.webhook(taskOf(request), 'error');
      return fallback(error as Error, request, reply);
    });
    scope.addHook('onRequest', async (request: HookRequest, reply) => {
      try {
        request.hookTarget = receiver.target(taskOf(request));
      } catch (error) {
        if (!(error instanceof ApiRefusal)) throw error;
        const status = error.code === 'not_found' ? 404 : 409;
        return refuse(request, reply, status, error.code, error.code === 'not_found' ? 'not_found' : 'disabled', error.message);
      }
      if (request.hookTarget.secret === null) {
        const auth = parts.authorize(request.headers.authorization);
        if (!auth.ok) return refuse(request, reply, 401, 'unauthorized', 'unauthorized', `this hook has no secret_env, so it needs the API token: ${auth.message}`);
      }
    });
    scope.post('/hooks/:task', { bodyLimit: HOOK_BODY_LIMIT }, async (request: HookRequest, reply) => {
      const target = request.hookTarget as WebhookTarget;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (target.secret !== null) {
        const signed = checkSignature(target.secret, body, request.headers['x-hub-signature-256']);
        if (!signed.ok) return refuse(request, reply, 401, 'unauthorized', 'unauthorized', signed.message);
      }
      const delivery = header(request, 'x-github-delivery');
      const event = header(request, 'x-github-event');
      const badHeader = ([['X-GitHub-Delivery', delivery], ['X-GitHub-Event', event]] as const).find(([, v]) => v !== null && (v.length > HEADER_MAX || /[^\x20-\x7e]/.test(v)));
      if (badHeader) {
        return refuse(request, reply, 400, 'bad_request', 'bad_request', `${badHeader[0]} must be printable ASCII of at most ${HEADER_MAX} characters`);
      }
      const notJson = jsonProblem(body);
      if (notJson) return refuse(request, reply, 400, 'bad_request', 'bad_request', `the body must be JSON (set the hook's content type to application/json): ${notJson}`);
      const outcome: DeliveryOutcome = receiver.receive({ task: taskOf(request), event, delivery, body });
      switch (outcome.result) {
        case 'ignored':
          return answer(request, reply, 'ignored', 202, { ignored: `event ${outcome.event}` });
        case 'duplicate':
          return answer(request, reply, 'duplicate', 200, { run_id: outcome.run_id, duplicate: true });
        default: {
          const { result: _, ...shown } = outcome;
          return answer(request, reply, outcome.status === 'skipped' ? 'skipped' : 'accepted', 202, shown);
        }
      }
    });
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why the bytes are not a JSON document, or null when they are. */
function jsonProblem(body: Buffer): string | null {
  if (body.length === 0) return 'the body is empty';
  try {
    JSON.parse(utf8.decode(body));
    return null;
  } catch (error) {
    return error instanceof TypeError ? 'it is not UTF-8' : (error as Error).message;
  }
}

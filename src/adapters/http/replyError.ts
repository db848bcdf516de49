// Every error the HTTP server answers has one shape, `{"error": {"code", "message"}}`, made
// here: refusals of the API (404, 409, 400), bad requests Fastify finds (a schema, a body that
// is not JSON or too large), unknown routes, and anything unexpected (500, logged, no stack).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiRefusal } from '../../ports/daemonApi.js';
import type { Logger } from '../../ports/logger.js';

const STATUS_OF_REFUSAL = { not_found: 404, conflict: 409, bad_request: 400 } as const;

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiRefusal) return sendError(reply, STATUS_OF_REFUSAL[error.code], error.code, error.message);
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) return sendError(reply, 400, 'bad_request', fastifyError.message);
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'too_large', `the body is larger than the ${request.routeOptions.bodyLimit ?? 0} bytes this server takes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 400, 'bad_request', `the body must be JSON (Content-Type: application/json), not ${request.headers['content-type'] ?? 'untyped'}`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'bad_request', 'the body is empty but says it is JSON; send {} or no Content-Type');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'bad_request', `the body is not valid JSON: ${fastifyError.message}`);
      default:
        break;
    }
    if (error instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON/i.test(fastifyError.message))) {
      return sendError(reply, 400, 'bad_request', `the body is not valid JSON: ${fastifyError.message}`);
    }
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return sendError(reply, fastifyError.statusCode, 'bad_request', fastifyError.message);
    }
    // The path only: a query may hold a token (the event stream's ?token=), never logged.
    logger.error({ method: request.method, url: request.url.split('?')[0], err: error.message, stack: error.stack }, 'HTTP request failed');
    return sendError(reply, 500, 'internal', `internal error: ${error.message}`);
  };
}

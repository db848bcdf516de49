// Every error the HTTP server answers has one shape, `{"error": {"code", "message"}}`, made
// here: refusals of the API (404, 409, 400), bad requests Fastify finds (a schema, a body that
// is not JSON or too large, a path that is not valid percent-encoding), requests Node cannot
// parse (not HTTP, headers too large), unknown routes, and anything unexpected (500, logged, no
// stack).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiRefusal } from '../../ports/daemonApi.js';
import type { Logger } from '../../ports/logger.js';

const STATUS_OF_REFUSAL = { not_found: 404, conflict: 409, bad_request: 400 } as const;

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

/**
 * Ajv's message (`querystring/status must be equal to one of the allowed values`), with what it
 * leaves out: the values allowed, the property not taken, or that a query parameter was given
 * more than once (`?limit=1&limit=2` is an array, which no parameter takes).
 */
function validationMessage(error: FastifyError, request: FastifyRequest): string {
  const [first] = error.validation ?? [];
  if (!first) return error.message;
  const name = first.instancePath.split('/')[1];
  const given = error.validationContext === 'querystring' && name ? (request.query as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(given)) return `querystring/${name} is given ${given.length} times; give it once`;
  const params = first.params as { allowedValues?: unknown[]; additionalProperty?: string };
  if (first.keyword === 'enum' && params.allowedValues) return `${error.message}: ${params.allowedValues.join(', ')}`;
  if (first.keyword === 'additionalProperties' && params.additionalProperty) return `${error.message}: ${params.additionalProperty}`;
  return error.message;
}

export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiRefusal) return sendError(reply, STATUS_OF_REFUSAL[error.code], error.code, error.message);
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) return sendError(reply, 400, 'bad_request', validationMessage(fastifyError, request));
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'too_large', `the body is larger than the ${request.routeOptions.bodyLimit ?? 0} bytes this server takes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 400, 'bad_request', `the body must be JSON (Content-Type: application/json), not ${request.headers['content-type'] ?? 'untyped'}`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'bad_request', 'the body is empty but says it is JSON; send {} or no Content-Type');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'bad_request', `the body is not valid JSON: ${fastifyError.message}`);
      case 'FST_ERR_BAD_URL':
        return sendError(
          reply,
          400,
          'bad_request',
          `the path ${request.url.split('?')[0]} is not valid percent-encoding (each % takes two hex digits, and the bytes must be UTF-8)`,
        );
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

/**
 * Answers a request Node could not parse, on the socket itself (there is no request to reply
 * to), in the same shape, then closes the connection: the request line and headers over
 * `maxHeaderSize` (431), a request too slow to arrive (408), anything that is not HTTP (400).
 * The server goes on serving the other connections.
 */
export function clientErrorHandler(error: Error & { code?: string; reason?: string }, socket: Duplex & { _httpMessage?: { headersSent?: boolean } | null }): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return; // the client is gone: nobody to answer
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'too_large', `the request line and headers are larger than the ${maxHeaderSize} bytes this server takes`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout', 'the request did not arrive in time']
        : [400, 'bad_request', `the request is not valid HTTP: ${error.reason ?? error.message}`];
  const body = JSON.stringify({ error: { code, message } });
  // As Node does: not in the middle of an answer already going out on this connection.
  if (socket.writable && !socket._httpMessage?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

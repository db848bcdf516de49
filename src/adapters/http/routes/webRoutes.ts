// The dashboard's page and files, open without a token (the page asks for it): `GET /` is
// index.html (no-cache, revalidated by ETag), `/assets/*` the hashed bundles (cached a year),
// each sent precompressed as the browser accepts. The page may load nothing from elsewhere
// (Content-Security-Policy), which also keeps it working with no internet.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickEncoding } from '../pickEncoding.js';
import type { WebFile } from '../webAssets.js';
import { sendError } from '../replyError.js';

const POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function webRoutes(app: FastifyInstance, files: ReadonlyMap<string, WebFile>): void {
  const send = (request: FastifyRequest, reply: FastifyReply, urlPath: string) => {
    const file = files.get(urlPath);
    if (!file) {
      if (files.size === 0) return sendError(reply, 503, 'not_built', 'the dashboard is not built: run `npm run build` (it writes dist/web/)');
      return sendError(reply, 404, 'not_found', `no file ${urlPath}`);
    }
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('etag', file.etag);
    reply.header('vary', 'accept-encoding');
    reply.header('x-content-type-options', 'nosniff');
    if (file.type.startsWith('text/html')) {
      reply.header('content-security-policy', POLICY);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
    }
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    const encoding = pickEncoding(request.headers['accept-encoding'], file);
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.type(file.type).send(file.bodies[encoding]);
  };
  app.get('/', (request, reply) => send(request, reply, '/index.html'));
  app.get('/index.html', (request, reply) => send(request, reply, '/index.html'));
  app.get<{ Params: { '*': string } }>('/assets/*', (request, reply) => send(request, reply, `/assets/${request.params['*']}`));
}

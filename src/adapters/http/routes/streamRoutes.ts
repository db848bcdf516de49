// The two answers that stream: a run's log (text/plain, chunked; `?follow=1` until the run ends)
// and the live events (Server-Sent Events: `run` on every state change of a run, `task` on a
// pause or resume, `session` for runs with their upstream, `heartbeat` every 15 s). A client
// that goes away is cleaned up at once; a client that reads too slowly is dropped rather than
// buffered without end.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ApiEvent, DaemonApi, LogSink } from '../../../ports/daemonApi.js';
import type { Logger } from '../../../ports/logger.js';
import { logQuery, runParams } from './schemas.js';

export const HEARTBEAT_MS = 15_000;
/** Bytes an event stream may have waiting for a slow reader before it is dropped. */
const MAX_BACKLOG = 4 * 1024 * 1024;

export function streamRoutes(app: FastifyInstance, api: DaemonApi, logger: Logger): void {
  app.get<{ Params: { run_id: string }; Querystring: { follow?: string } }>(
    '/api/v1/runs/:run_id/log',
    { schema: { params: runParams, querystring: logQuery } },
    async (request, reply) => {
      api.checkRun(request.params.run_id); // a 404 before the answer starts
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const follow = request.query.follow === '1' || request.query.follow === 'true';
      try {
        await api.streamLog(request.params.run_id, follow, sinkOf(res), abort.signal);
      } catch (error) {
        logger.warn({ run_id: request.params.run_id, err: (error as Error).message }, 'streaming a run log failed');
      } finally {
        if (!res.destroyed) res.end();
      }
    },
  );

  const serialized = new WeakMap<ApiEvent, string>();
  app.get('/api/v1/events', (_request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      off();
      clearInterval(timer);
      if (!res.destroyed) res.destroy();
    };
    const send = (text: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BACKLOG) {
        logger.warn({ backlog: res.writableLength }, 'an event stream reader is too slow; dropping it');
        close();
        return;
      }
      res.write(text);
    };
    const heartbeat = () => send(`event: heartbeat\ndata: {"at":"${new Date().toISOString()}"}\n\n`);
    const off = api.subscribe((event) => {
      let text = serialized.get(event);
      if (text === undefined) {
        text = `event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`;
        serialized.set(event, text);
      }
      send(text);
    });
    const timer = setInterval(heartbeat, HEARTBEAT_MS);
    res.on('close', close); // the client went away (or the server closes)
    res.on('error', close);
    res.write('retry: 3000\n\n');
    heartbeat(); // at once: the reader knows the stream is live (and subscribed) from here on
  });
}

function sinkOf(res: ServerResponse): LogSink {
  return {
    get closed() {
      return res.destroyed || res.writableEnded;
    },
    write(chunk: Buffer): Promise<void> {
      if (res.destroyed) return Promise.resolve();
      if (res.write(chunk)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
  };
}

// The two answers that stream: a run's log (text/plain, chunked; `?follow=1` until the run ends)
// and the live events (Server-Sent Events: `run` on every state change of a run, `task` on a
// pause or resume, `session` for runs with their upstream, `heartbeat` every 15 s). A client
// that goes away is cleaned up at once; a client that reads too slowly is dropped rather than
// buffered without end. When the server closes (the daemon stops), each open stream is ended
// whole, its last chunk sent, before the connections are closed: a followed log once its run
// has ended (the daemon's runs end before its server closes), the events at once.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ApiEvent, DaemonApi, LogSink } from '../../../ports/daemonApi.js';
import type { Logger } from '../../../ports/logger.js';
import { emptyAsAbsent } from './caller.js';
import { logQuery, runParams } from './schemas.js';

export const HEARTBEAT_MS = 15_000;
/** Bytes an event stream may have waiting for a slow reader before it is dropped. */
const MAX_BACKLOG = 4 * 1024 * 1024;
/** How long a closing server lets a followed log finish (its run ended) or any answer flush, before it cuts it short. */
const CLOSE_GRACE_MS = 2000;

export function streamRoutes(app: FastifyInstance, api: DaemonApi, logger: Logger): void {
  /** The open streams, each with the function that ends it whole when the server closes. */
  const open = new Set<() => Promise<void>>();
  // preClose: new requests are refused (503) and the connections are still up.
  app.addHook('preClose', async () => {
    await Promise.all([...open].map((end) => end()));
  });

  app.get<{ Params: { run_id: string }; Querystring: { follow?: string } }>(
    '/api/v1/runs/:run_id/log',
    { schema: { params: runParams, querystring: logQuery }, preValidation: emptyAsAbsent },
    async (request, reply) => {
      api.checkRun(request.params.run_id); // a 404 before the answer starts
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const follow = request.query.follow === '1' || request.query.follow === 'true';
      const streamed = (async () => {
        try {
          await api.streamLog(request.params.run_id, follow, sinkOf(res), abort.signal);
        } catch (error) {
          logger.warn({ run_id: request.params.run_id, err: (error as Error).message }, 'streaming a run log failed');
        } finally {
          if (!res.destroyed) res.end();
        }
      })();
      // The daemon stops: its runs have ended, so the log ends by itself; one that does not (a
      // foreground run of another process) is stopped after the grace, still ended whole; a
      // reader that takes nothing more is cut off after twice that.
      const end = async () => {
        const stop = setTimeout(() => abort.abort(), CLOSE_GRACE_MS);
        const cut = setTimeout(() => res.destroy(), 2 * CLOSE_GRACE_MS);
        await streamed;
        await flushed(res);
        clearTimeout(stop);
        clearTimeout(cut);
      };
      open.add(end);
      try {
        await streamed;
      } finally {
        open.delete(end);
      }
    },
  );

  const serialized = new WeakMap<ApiEvent, string>();
  const streamHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' };
  app.get('/api/v1/events', (request, reply) => {
    // HEAD (Fastify's own route for every GET): the headers, no stream that could never be read.
    if (request.method === 'HEAD') return reply.code(200).headers(streamHeaders).send();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, streamHeaders);
    let closed = false;
    /** Stops sending: cut off (the client went away, or reads too slowly), or ended whole (the server closes). */
    const close = (how: 'destroy' | 'end' = 'destroy') => {
      if (closed) return;
      closed = true;
      open.delete(end);
      off();
      clearInterval(timer);
      if (res.destroyed) return;
      if (how === 'end') res.end();
      else res.destroy();
    };
    const end = async () => {
      close('end');
      await flushed(res);
    };
    open.add(end);
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
    res.on('close', () => close()); // the client went away (or the connection was closed)
    res.on('error', () => close());
    res.write('retry: 3000\n\n');
    heartbeat(); // at once: the reader knows the stream is live (and subscribed) from here on
  });
}

/** Resolves once an ended answer is handed to the system, or its connection is gone (at the latest, cut off after the grace). */
function flushed(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('finish', done);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(() => res.destroy(), CLOSE_GRACE_MS);
    res.on('finish', done);
    res.on('close', done);
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

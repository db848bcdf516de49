// The daemon's HTTP side, composed: tokens, the API over the live engine, metrics from the
// event bus, and the server (loaded only when enabled: Fastify and prom-client stay out of
// every other command). Its URL goes to status/http.url for scripts, tests and the CLI. The
// dashboard's files are read from dist/web/ once, at start.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import { ConductorError } from '../core/errors.js';
import type { Config } from '../core/types.js';
import type { CronSource } from '../engine/cronSource.js';
import type { Engine } from '../engine/engine.js';
import type { EngineContext } from '../engine/context.js';
import type { ApiContext } from './api/apiContext.js';
import { resolveTokens, type ApiToken } from './api/apiTokens.js';
import { createDaemonApi } from './api/daemonApi.js';
import { httpUrlFile } from './daemonHttpPaths.js';
import type { HomePaths } from './paths.js';
import type { LiveStatus } from './status/liveStatus.js';
import { createWebhookReceiver } from './webhook/webhookReceiver.js';
import { packageVersion } from './version.js';

export interface DaemonHttp {
  url: string;
  /** A reloaded config's tokens; throws (the reload is refused) when one cannot be read. */
  reload(config: Config): void;
  /** The reloaded config is in effect: the live stream says so (a `config` event). */
  reloaded(): void;
  close(): Promise<void>;
}

/** Reads the tokens now, so an unset variable is a config error before anything starts. */
export function daemonTokens(paths: HomePaths, config: Config): ApiToken[] {
  return resolveTokens(paths, config.settings.http);
}

export async function startDaemonHttp(parts: {
  paths: HomePaths;
  config: () => Config;
  tokens: ApiToken[];
  ctx: EngineContext;
  engine: Engine;
  cron: CronSource;
  live: LiveStatus;
  writeFailure: () => { message: string; at: number } | null;
  /** A node of a standby cluster: a standby refuses writes and its health says so. */
  cluster?: ApiContext['cluster'];
  /** Each watch task's files ready and waiting for a worker. */
  watchPending: () => Map<string, number>;
}): Promise<DaemonHttp> {
  const { paths, ctx, engine } = parts;
  const [{ startHttpServer }, { createMetrics }, { loadWebAssets }] = await Promise.all([
    import('../adapters/http/server.js'),
    import('../adapters/http/metrics.js'),
    import('../adapters/http/webAssets.js'),
  ]);
  const api = createDaemonApi({
    engine,
    cron: parts.cron,
    store: ctx.store,
    live: parts.live,
    events: ctx.events,
    clock: ctx.clock,
    logger: ctx.logger,
    paths,
    config: parts.config,
    version: packageVersion(),
    startedAt: ctx.clock.monotonic(),
    writeFailure: parts.writeFailure,
    executorDown: () => {
      const state = ctx.executor.state?.();
      return state && !state.connected ? (state.reason ?? 'the executor cannot reach its queue') : null;
    },
    ...(parts.cluster ? { cluster: parts.cluster } : {}),
  });
  const metrics = createMetrics({
    onAny: (listener) => ctx.events.onAny(listener),
    // An attempt queued for a worker holds a slot but is not running: it counts as queued.
    running: () => engine.runningCount - engine.awaitingWorkerCount,
    queued: () => engine.queuedCount + engine.awaitingWorkerCount,
    lastSuccesses: () => {
      const found = new Map<string, number>();
      for (const name of engine.tasks.entries.keys()) {
        const last = ctx.store.lastWithStatus(name, 'success');
        if (last?.finished_at) found.set(name, Date.parse(last.finished_at));
      }
      return found;
    },
    watchPending: parts.watchPending,
  });
  const { host, port } = parts.config().settings.http;
  const webhooks = createWebhookReceiver({ engine, store: () => ctx.store, clock: ctx.clock, paths, config: parts.config });
  const web = loadWebAssets(fileURLToPath(new URL('../web/', import.meta.url))); // dist/web, beside dist/app
  if (web.size === 0) ctx.logger.warn({}, 'the dashboard is not built (dist/web/ is missing): GET / says so; run `npm run build`');
  const server = await startHttpServer({ host, port, tokens: parts.tokens, api, metrics, logger: ctx.logger, web, webhooks }).catch((error: Error) => {
    metrics.close();
    throw new ConductorError('USAGE', `settings.http: ${error.message}`);
  });
  writeFileAtomic(httpUrlFile(paths), `${server.url}\n`);
  return {
    url: server.url,
    reload(config) {
      server.setTokens(resolveTokens(paths, config.settings.http));
      const next = config.settings.http;
      if (next.host !== host || next.port !== port || !next.enabled) {
        ctx.logger.warn({ host: next.host, port: next.port, enabled: next.enabled }, 'settings.http changed: the server keeps its address until the daemon restarts');
      }
    },
    reloaded: () => api.reloaded(),
    async close() {
      fs.rmSync(httpUrlFile(paths), { force: true });
      metrics.close();
      await server.close();
    },
  };
}

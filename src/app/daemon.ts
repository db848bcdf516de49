// `start`: the long-running scheduler, as systemd runs it. One per home (a kernel lock);
// recovers runs left by a dead daemon; SIGTERM/SIGINT drain and exit 0; SIGHUP reloads.
import fs from 'node:fs';
import os from 'node:os';
import type http from 'node:http';
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import { acquireDaemonLock } from '../adapters/daemonLock.js';
import { serveStatus } from '../adapters/httpStatus.js';
import { createPinoLogger } from '../adapters/pinoLogger.js';
import { createWebhookNotifier, type Notifier } from '../adapters/webhookNotifier.js';
import { ConductorError, EXIT, isConductorError } from '../core/errors.js';
import { notificationFor } from '../core/notify/notificationFor.js';
import { formatInZone, resolveTimezone } from '../core/schedule/cron.js';
import type { Config } from '../core/types.js';
import { Scheduler } from '../engine/scheduler.js';
import { composeEngine } from './compose.js';
import { daemonLockPath } from './daemonState.js';
import { ensureWritableDir } from './homeDirs.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { recoverOrphans } from './recoverOrphans.js';
import { buildStatus } from './status.js';
import { packageVersion } from './version.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function runDaemon(paths: HomePaths): Promise<number> {
  let loaded = loadConfig(paths.config);
  ensureWritableDir(paths.statusDir);
  const lock = acquireDaemonLock(daemonLockPath(paths));
  if (!lock) {
    const pid = readPid(paths.pidFile);
    throw new ConductorError(
      'DAEMON_RUNNING',
      `another daemon is already running on ${paths.home}${pid ? ` (pid ${pid})` : ''}; stop it first (SIGTERM), or use another --home`,
    );
  }
  // Signals are taken from here on, so a SIGTERM during start-up (recovery) still stops cleanly.
  let stopRequested: ((signal: NodeJS.Signals) => void) | null = null;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  const onStop = (signal: NodeJS.Signals) => stopRequested?.(signal);
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);
  let reloadNow: (() => void) | null = null;
  let reloadPending = false;
  const onHangup = () => (reloadNow ? reloadNow() : (reloadPending = true));
  process.on('SIGHUP', onHangup);
  const logger = createPinoLogger({ file: paths.conductorLog, sync: false, echo: 'info' });
  // A bug must not vanish with the asynchronous log buffer: write it out, then exit 1 so
  // systemd restarts the daemon (the next start recovers the runs left running).
  process.on('uncaughtException', (error) => {
    logger.error({ err: error.message, stack: error.stack }, 'internal error; the daemon stops');
    logger.flush();
    process.exit(1);
  });
  const ctx = await composeEngine(paths, loaded.config, { logger, daemon: true });
  const since = Date.now();
  writeFileAtomic(paths.pidFile, `${process.pid}\n`);
  ctx.store.setDaemonInfo({ pid: process.pid, since, version: packageVersion() });

  let notifier: Notifier | null = makeNotifier(loaded.config, logger);
  const recovered = await recoverOrphans(ctx.store, ctx.health, loaded.config, logger);
  let config = loaded.config;
  const prune = () => {
    const days = config.settings.task_history_retention_days;
    if (days <= 0) return;
    const removed = ctx.store.prune(Date.now() - days * DAY_MS);
    if (removed > 0) logger.info({ removed, days }, 'pruned old history');
  };
  prune();
  const pruneTimer = setInterval(prune, DAY_MS);
  pruneTimer.unref();

  const scheduler = new Scheduler(ctx, config, {
    onRunEnd: (result, previous) => {
      const message = notifier && notificationFor(result, previous, os.hostname(), Date.now());
      if (message) notifier?.send(message);
    },
  });
  banner(paths, loaded.shown, config, logger, recovered);
  for (const warning of loaded.warnings) logger.warn({ where: warning.where }, warning.message);
  scheduler.start();
  for (const fire of scheduler.upcoming(5)) {
    const zone = resolveTimezone(config.tasks.find((t) => t.name === fire.task)?.timezone ?? null, config.settings.timezone);
    logger.info({ task: fire.task, at: formatInZone(fire.at, zone) }, 'next fire');
  }

  let server: http.Server | null = null;
  if (config.settings.http.enabled) {
    server = await serveStatus(
      config.settings.http,
      {
        health: () => ({ status: 'ok', pid: process.pid, since: new Date(since).toISOString(), running: scheduler.activeRuns }),
        status: () => buildStatus(paths, Date.now()),
      },
      logger,
    ).catch((error: Error) => {
      logger.error({ err: error.message }, 'cannot start the status endpoint; going on without it');
      return null;
    });
  }

  const reload = () => {
    try {
      const next = loadConfig(paths.config);
      config = next.config;
      loaded = next;
      scheduler.reload(config);
      notifier = makeNotifier(config, logger);
      logger.info({ config: next.shown, tasks: config.tasks.length }, 'config reloaded');
    } catch (error) {
      const lines = isConductorError(error) ? error.lines() : [(error as Error).message];
      logger.error({ problems: lines.slice(1).map((l) => l.trim()) }, `config reload refused, keeping the old config: ${lines[0]}`);
    }
  };

  reloadNow = reload;
  if (reloadPending) reload();
  const signal = await stopSignal;
  process.off('SIGHUP', onHangup);
  // A second signal while draining stops the runs at once.
  const hurry = () => {
    logger.warn({}, 'second signal: stopping every run now');
    void scheduler.stop('the daemon was told twice to stop');
  };
  process.on('SIGTERM', hurry);
  process.on('SIGINT', hurry);
  logger.info({ signal, running: scheduler.activeRuns, drain_seconds: config.settings.shutdown_timeout }, 'stopping');
  await scheduler.stop(`the daemon stopped (${signal})`);
  server?.close();
  await notifier?.settle();
  await ctx.health.flush();
  ctx.store.setDaemonInfo(null);
  ctx.store.close();
  fs.rmSync(paths.pidFile, { force: true });
  logger.info({}, 'stopped');
  logger.flush();
  lock.release();
  return EXIT.ok;
}

function makeNotifier(config: Config, logger: ReturnType<typeof createPinoLogger>): Notifier | null {
  const { enable_notifications: enabled, notification_webhook: url } = config.settings;
  return enabled && url ? createWebhookNotifier(url, logger) : null;
}

function banner(paths: HomePaths, shown: string, config: Config, logger: ReturnType<typeof createPinoLogger>, recovered: number): void {
  const enabled = config.tasks.filter((t) => t.enabled).length;
  logger.info(
    { version: packageVersion(), pid: process.pid, home: paths.home, config: shown, tasks: config.tasks.length, enabled },
    `symphony-conductor ${packageVersion()} started: ${config.tasks.length} tasks (${enabled} enabled) from ${shown}`,
  );
  if (recovered > 0) logger.warn({ runs: recovered }, 'runs left running by a previous daemon were marked interrupted');
}

function readPid(file: string): number | null {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}


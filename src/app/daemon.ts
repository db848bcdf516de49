// `start`: the long-running scheduler, as systemd runs it. One per home (a kernel lock);
// recovers runs left by a dead daemon and resumes the ones it left queued; SIGTERM/SIGINT drain
// and exit 0; SIGHUP reloads. The engine takes requests; the cron source is what asks here.
import fs from 'node:fs';
import os from 'node:os';
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import { acquireDaemonLock } from '../adapters/daemonLock.js';
import { createPinoLogger } from '../adapters/pinoLogger.js';
import { openReplicaStore } from '../adapters/sqlite/sqliteReplicaStore.js';
import { createWebhookNotifier, type Notifier } from '../adapters/webhookNotifier.js';
import { configChanges, describeChanges } from '../core/config/configChanges.js';
import { ConductorError, EXIT, isConductorError } from '../core/errors.js';
import { approvalNotification, notificationFor } from '../core/notify/notificationFor.js';
import { formatInZone } from '../core/schedule/cron.js';
import type { Config } from '../core/types.js';
import { Scheduler } from '../engine/scheduler.js';
import type { Logger } from '../ports/logger.js';
import { composeEngine } from './compose.js';
import { readMainToken } from './api/apiTokens.js';
import { daemonTokens, startDaemonHttp } from './daemonHttp.js';
import { daemonLockPath, type DaemonState } from './daemonState.js';
import { ensureWritableDir } from './homeDirs.js';
import { loadConfig } from './loadConfig.js';
import { writeRunningConfig } from './runningConfig.js';
import type { HomePaths } from './paths.js';
import { watchHome } from './homeWatch.js';
import { readHeartbeat, readPidFile, removeOwnPidFile } from './pidFile.js';
import { recoverOrphans } from './recoverOrphans.js';
import { refusedConfig } from './refusedConfig.js';
import { holdHangups, onStopSignals } from './signals.js';
import { LiveStatus } from './status/liveStatus.js';
import { packageVersion } from './version.js';
import { watchWrites } from './writeWatch.js';
import { prunePayloadFiles } from './webhook/webhookReceiver.js';
import { prepareWatching, type Watching } from './watchComposition.js';

const DAY_MS = 24 * 60 * 60 * 1000;


/** Fires recorded per commit in a burst (see CronSource.wake). */
const BURST_CHUNK = 8;
export async function runDaemon(paths: HomePaths): Promise<number> {
  // SIGHUP is held until the daemon can reload (and ignored while it stops), never Node's exit.
  const hangups = holdHangups();
  let loaded = loadConfig(paths.config, paths.home);
  const watchSetup = await prepareWatching(loaded.config, paths, loaded.shown);
  // The pid file is written in the home itself: a home this user cannot write is refused now,
  // not retried every second while the daemon runs without a pid file.
  ensureWritableDir(paths.home, 'the daemon writes conductor.pid there');
  ensureWritableDir(paths.statusDir);
  const lock = await acquireDaemonLock(paths.home, daemonLockPath(paths));
  if (!lock) {
    const pid = readPidFile(paths.pidFile);
    throw new ConductorError(
      'DAEMON_RUNNING',
      `another daemon is already running on ${paths.home}${pid ? ` (pid ${pid})` : ''}; stop it first (SIGTERM), or use another --home`,
    );
  }
  // Signals are taken from here on, so a SIGTERM during start-up (recovery) still stops cleanly;
  // a second one while draining stops the runs at once.
  let stopRequested: (signal: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  let hurry: () => void = () => {};
  const stopListening = onStopSignals((signal, count) => (count === 1 ? stopRequested(signal) : hurry()));
  let reloadNow: (() => void) | null = null;
  let reloadPending = false;
  hangups.direct(() => (reloadNow ? reloadNow() : (reloadPending = true)));
  const logger = createPinoLogger({ file: paths.conductorLog, sync: false, echo: 'info' });
  const keepRunningConfig = (kept: Config, shown: string) => {
    const problem = writeRunningConfig(paths, kept, shown);
    if (problem) logger.warn({ err: problem }, 'cannot keep the running config for status (status/daemon-config.json); the daemon goes on');
  };
  keepRunningConfig(loaded.config, loaded.shown);
  // A bug must not vanish with the asynchronous log buffer: write it out, then exit 1 so
  // systemd restarts the daemon (the next start recovers the runs left running).
  process.on('uncaughtException', (error) => {
    logger.error({ err: error.message, stack: error.stack }, 'internal error; the daemon stops');
    logger.flush();
    process.exit(EXIT.usage);
  });
  let config = loaded.config;
  // An unset token variable is a config error, said before anything has started.
  const tokens = config.settings.http.enabled ? daemonTokens(paths, config) : null;
  const ctx = await composeEngine(paths, config, { logger, source: 'daemon' });
  // Every write to the history is watched: GET /health says degraded while the last one failed.
  const writes = watchWrites(ctx.store, () => ctx.clock.now());
  ctx.store = writes.store;
  // settings.ha: this home is a node of a standby cluster (loaded only then: ioredis is large).
  const ha = config.settings.ha;
  let httpUrl: string | null = null;
  const member = ha ? (await import('./ha/joinCluster.js')).joinCluster(paths, ha, () => config, ctx, () => httpUrl) : null;
  // A start refused from here on lets go of everything it holds (a Redis connection would keep
  // the process alive), then says why.
  const abandon = async (error: unknown): Promise<never> => {
    await member?.close();
    logger.flush();
    ctx.store.close();
    lock.release();
    stopListening();
    throw error;
  };
  if (member) await member.checkName().catch(abandon);
  else stopPublishing(paths);
  const since = Date.now();
  const daemonState = (): DaemonState => ({
    running: true,
    pid: process.pid,
    since: new Date(since).toISOString(),
    version: packageVersion(),
    role: member?.role() ?? 'single',
    leader: member?.leader() ?? null,
    ...(member ? { cluster: linkOf(member.connection()) } : {}),
  });

  let notifier: Notifier | null = makeNotifier(config, logger);
  const retiredNotifiers: Notifier[] = []; // replaced by a reload, maybe still delivering
  ctx.events.on('run.ended', (ending) => {
    const message = notifier && notificationFor(ending, ending.previous, os.hostname(), ctx.clock.now());
    if (message) notifier?.send(message);
  });
  ctx.events.on('run.awaiting_approval', (waiting) => notifier?.send(approvalNotification(waiting, os.hostname(), ctx.clock.now())));
  // Health files a dead daemon was writing (kill -9 mid-write): their temp files go; the files stay whole.
  const leftovers = ctx.health.sweepLeftovers?.() ?? 0;
  if (leftovers > 0) logger.info({ files: leftovers }, 'removed the temp files of health files a dead process was writing');
  const recovered = await recoverOrphans(ctx.store, ctx.health, ctx.executor, config, logger, () => ctx.clock.now(), {
    taskLog: ctx.taskLog,
    heartbeat: readHeartbeat(paths.pidFile), // a dead daemon's: read before this one writes the file
  });
  const prune = () => {
    const days = config.settings.task_history_retention_days;
    if (days <= 0) return;
    try {
      const before = ctx.clock.now() - days * DAY_MS;
      const removed = ctx.store.prune(before);
      if (removed > 0) logger.info({ removed, days }, 'pruned old history');
      const payloads = prunePayloadFiles(paths, ctx.store, before);
      if (payloads > 0) logger.info({ removed: payloads, days }, 'pruned old webhook payloads');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'cannot prune old history');
    }
  };
  prune();

  // A burst of due fires is recorded 8 at a time, a turn of the event loop apart, so that the spawn
  // helper starts the first processes while the rest are recorded.
  const scheduler = new Scheduler(ctx, config, { gate: member?.gate, burst: { size: BURST_CHUNK, defer: (fn) => void setImmediate(fn) } });
  const { engine, cron } = scheduler;
  const live = new LiveStatus(engine, cron, ctx.store, ctx.health, daemonState, ctx.events, ctx.executor.state ? () => ctx.executor.state?.() ?? null : null);
  // The watched folders exist before the daemon says it is up (status/http.url, the banner); they
  // are watched after the scheduler started, and until then none has a file pending.
  watchSetup.makeFolders(logger);
  // The port is taken before anything runs: one in use is a clear error, exit 1.
  let watchPending = (): Map<string, number> => new Map();
  const server = tokens
    ? await startDaemonHttp({
        paths,
        config: () => config,
        tokens,
        ctx,
        engine,
        cron,
        live,
        writeFailure: writes.failure,
        cluster: member ?? undefined,
        watchPending: () => watchPending(),
      }).catch(abandon)
    : null;
  httpUrl = server?.url ?? null;
  const pruneTimer = setInterval(prune, DAY_MS);
  pruneTimer.unref();
  try {
    writeFileAtomic(paths.pidFile, `${process.pid}\n`);
  } catch (error) {
    logger.warn({ file: paths.pidFile, err: (error as Error).message }, 'cannot write the pid file; trying again every second');
  }
  ctx.store.setDaemonInfo({ pid: process.pid, since, version: packageVersion(), role: member ? 'standby' : 'single' });
  const stopWatchingHome = watchHome(paths, lock, ctx.store, logger, { now: () => ctx.clock.now(), busy: () => engine.runningCount > 0 });
  banner(paths, loaded.shown, config, logger, recovered);
  if (server) {
    logger.info({ url: server.url, token: tokenSource() }, `HTTP API on ${server.url}`);
    logger.info({ url: `${server.url}/` }, `dashboard on ${server.url}/ (it asks for the token of ${tokenSource()})`);
    // The link that logs the page in holds the token (http.md: start prints it): on stdout, but
    // never into the log file nor into journald (under systemd stdout is the journal).
    if (!stdoutIsJournal()) process.stdout.write(`open the dashboard: ${server.url}/#token=${encodeURIComponent(readMainToken(paths))}\n`);
  }
  for (const warning of loaded.warnings) logger.warn({ where: warning.where }, warning.message);
  let watching: Watching;
  if (member) {
    // A cluster node watches its folders only while it leads (a standby starts nothing).
    watching = watchSetup.start(ctx, engine, { paused: true });
    member.onRole((leading) => (leading ? watching.lead() : watching.standBy()));
    await member.start(scheduler);
  } else {
    scheduler.start();
    watching = watchSetup.start(ctx, engine);
  }
  watchPending = () => new Map([...watching.counts()].map(([task, counts]) => [task, counts.pending]));
  for (const fire of cron.upcoming(5)) {
    const zone = engine.tasks.entries.get(fire.task)?.timezone ?? 'UTC';
    logger.info({ task: fire.task, at: formatInZone(fire.at, zone) }, 'next fire');
  }

  const reloadAudit = (detail: string, action: 'reload' | 'config_change' = 'reload') => {
    try {
      ctx.store.recordAudit({ at: ctx.clock.now(), actor: 'signal', source: 'daemon', action, task: null, run_id: null, detail });
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'cannot write the audit log');
    }
  };
  reloadNow = () => {
    try {
      const next = loadConfig(paths.config, paths.home);
      if (JSON.stringify(next.config.settings.executor) !== JSON.stringify(config.settings.executor)) {
        logger.warn({}, 'settings.executor changed: it takes effect at the next start of the daemon (the running executor is kept)');
      }
      if (JSON.stringify(next.config.settings.ha) !== JSON.stringify(config.settings.ha)) {
        logger.warn({}, 'settings.ha changed: it takes effect at the next start of the daemon (the cluster membership is kept)');
      }
      server?.reload(next.config); // first: a token variable it cannot read refuses the reload
      const changed = describeChanges(configChanges(config, next.config));
      config = next.config;
      loaded = next;
      keepRunningConfig(config, next.shown);
      scheduler.reload(config);
      void watching.reload(config, next.shown);
      if (notifier) retiredNotifiers.push(notifier);
      notifier = makeNotifier(config, logger);
      logger.info({ config: next.shown, tasks: config.tasks.length }, 'config reloaded');
      server?.reloaded(); // the dashboard refetches its tasks and graph
      reloadAudit(`SIGHUP: ${next.shown} reloaded, ${config.tasks.length} tasks`);
      if (changed) reloadAudit(changed, 'config_change');
    } catch (error) {
      const lines = isConductorError(error) ? error.lines() : [(error as Error).message];
      const refused = refusedConfig(error);
      logger.error({ problems: refused.problems }, `config reload refused, keeping the old config${refused.summary ? `: ${refused.summary}` : ''}`);
      reloadAudit(`SIGHUP: refused, the old config is kept: ${lines.join(' ').replace(/\s+/g, ' ')}`);
    }
  };
  if (reloadPending) reloadNow();

  const signal = await stopSignal;
  hangups.direct(() => logger.info({}, 'SIGHUP ignored: the daemon is stopping (the next start reads the config)'));
  const reason = `the daemon stopped (${signal})`;
  hurry = () => {
    logger.warn({}, 'second signal: stopping every run now');
    engine.interruptAll(`interrupted: the daemon was told twice to stop`);
  };
  logger.info({ signal, running: engine.runningCount, drain_seconds: config.settings.shutdown_timeout }, 'stopping');
  // A cluster node gives the lease back first, so a standby fires on while its runs drain here.
  await member?.handOver();
  watching.stop();
  await scheduler.stop(reason);
  await watching.settled();
  await member?.leave();
  stopListening();
  await server?.close();
  await Promise.all([notifier, ...retiredNotifiers].map((n) => n?.settle())); // bounded: SHUTDOWN_WAIT_MS
  await ctx.executor.close();
  await ctx.health.flush();
  stopWatchingHome();
  ctx.store.setDaemonInfo(null);
  ctx.store.close();
  removeOwnPidFile(paths.pidFile, process.pid);
  logger.info({}, 'stopped');
  logger.flush();
  lock.release();
  return EXIT.ok;
}

/** The link to the cluster's Redis as `status` shows it. */
function linkOf(link: { connected: boolean; reason: string | null }): { connected: boolean; reason: string | null } {
  return { connected: link.connected, reason: link.reason };
}

/** Where the API's main token comes from, for the start-up line (never the token itself). */
function tokenSource(): string {
  return process.env.CONDUCTOR_API_TOKEN ? '$CONDUCTOR_API_TOKEN' : 'status/api.token';
}

/** A home that was a cluster node and is one no more: its changes are no longer noted for publishing. */
function stopPublishing(paths: HomePaths): void {
  const replica = openReplicaStore(paths.database);
  try {
    replica.setPublishing(false);
  } finally {
    replica.close();
  }
}

function makeNotifier(config: Config, logger: Logger): Notifier | null {
  const { enable_notifications: enabled, notification_webhook: url } = config.settings;
  return enabled && url ? createWebhookNotifier(url, logger) : null;
}

function banner(paths: HomePaths, shown: string, config: Config, logger: Logger, recovered: number): void {
  const enabled = config.tasks.filter((t) => t.enabled).length;
  logger.info(
    { version: packageVersion(), pid: process.pid, home: paths.home, config: shown, tasks: config.tasks.length, enabled },
    `symphony-conductor ${packageVersion()} started: ${config.tasks.length} task${config.tasks.length === 1 ? '' : 's'} (${enabled} enabled) from ${shown}`,
  );
  if (recovered > 0) logger.warn({ runs: recovered }, 'runs left running by a previous daemon were marked interrupted');
}

/** stdout is systemd's journal: systemd names it in JOURNAL_STREAM as "device:inode". */
function stdoutIsJournal(): boolean {
  const stream = process.env.JOURNAL_STREAM;
  if (!stream) return false;
  try {
    const stat = fs.fstatSync(1);
    return stream === `${stat.dev}:${stat.ino}`;
  } catch {
    return false;
  }
}

// The conductor's own log: pino JSON lines in logs/symphony_conductor.log, level from LOG_LEVEL.
// Writing the log never stops the conductor: a failed write (a full disk) is said once on stderr
// (which file system is full) and the lines wait in a bounded buffer; a log file removed or
// renamed under a running conductor (`rm -rf logs/`, logrotate without copytruncate) is noticed
// within a second and opened again at its path.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from '../ports/logger.js';
import { describeFullFileSystem, isDiskFull } from './fileSystemOf.js';
import { makeDirs } from './makeDirs.js';

export interface LoggerOptions {
  file: string;
  level?: string;
  /** Daemon: asynchronous writes, flushed on exit. CLI: synchronous. */
  sync: boolean;
  /** Also print warnings and errors (daemon: every info line) readably on stderr, e.g. for the journal. */
  echo?: 'none' | 'warn' | 'info';
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
/** Log lines held while the file cannot be written; beyond this they are dropped (and counted). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How often the log file's path is checked (removed or replaced: opened again). */
const REOPEN_CHECK_MS = 1000;

export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase();
  return LEVELS.has(level) ? level : 'info';
}

/**
 * The fields as the JSON line takes them: every line already has the conductor's `pid` (pino's
 * base), and pino writes a field of the same name again ("pid" twice in one object, as the
 * daemon's start line had). The echo on stderr still shows it.
 */
function once(fields: Record<string, unknown>): Record<string, unknown> {
  if (fields.pid !== process.pid) return fields;
  const rest = { ...fields };
  delete rest.pid;
  return rest;
}

export function createPinoLogger(options: LoggerOptions): Logger {
  makeDirs(path.dirname(options.file));
  const destination = pino.destination({ dest: options.file, sync: options.sync, mkdir: true, maxLength: MAX_BUFFERED_BYTES });
  const health = watchDestination(destination, options.file);
  const log = pino(
    { level: options.level ?? logLevel(), base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
  const echoFrom = options.echo === 'info' ? 30 : options.echo === 'warn' ? 40 : Infinity;
  const echo = (level: number, name: string, fields: Record<string, unknown>, message: string) => {
    if (level < echoFrom || !log.isLevelEnabled(name)) return;
    const details = Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    process.stderr.write(`${name === 'info' ? '' : `${name}: `}${message}${details ? ` (${details})` : ''}\n`);
  };
  const write = (fn: () => void) => {
    health.checkSoon();
    try {
      fn();
    } catch (error) {
      health.failed(error as Error); // a synchronous destination throws what it could not write
    }
  };
  return {
    debug: (fields, message) => write(() => log.debug(once(fields), message)),
    info: (fields, message) => {
      write(() => log.info(once(fields), message));
      echo(30, 'info', fields, message);
    },
    warn: (fields, message) => {
      write(() => log.warn(once(fields), message));
      echo(40, 'warn', fields, message);
    },
    error: (fields, message) => {
      write(() => log.error(once(fields), message));
      echo(50, 'error', fields, message);
    },
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // nothing buffered, or the file cannot be written (said once already); nothing more to do
      }
    },
  };
}

type Destination = ReturnType<typeof pino.destination>;

/**
 * Write errors are said once per outage (and again after writes work again); the file's path is
 * compared with the open file at most once a second, while lines are written, and reopened when
 * they differ.
 */
function watchDestination(destination: Destination, file: string) {
  let failing = false;
  let dropped = 0;
  let lastCheck = Date.now();
  const failed = (error: Error) => {
    if (failing) return;
    failing = true;
    const why = isDiskFull(error) ? `${error.message}; ${describeFullFileSystem(file)}` : error.message;
    process.stderr.write(`symphony-conductor: cannot write its log ${file}: ${why}; lines are held in memory (up to 4 MiB) until it can\n`);
    destination.once('write', () => {
      failing = false;
      process.stderr.write(`symphony-conductor: writing its log ${file} again${dropped ? ` (${dropped} lines were dropped)` : ''}\n`);
      dropped = 0;
    });
  };
  destination.on('error', failed);
  destination.on('drop', () => dropped++);
  // sonic-boom's flushSync retries a failed write for ever (every 100 ms): while the file cannot be
  // written, flushing (on exit too: pino flushes there) gives up at once and the held lines are lost.
  const flushSync = destination.flushSync.bind(destination);
  destination.flushSync = () => {
    if (!failing) flushSync();
  };
  const checkSoon = () => {
    const now = Date.now();
    if (now - lastCheck < REOPEN_CHECK_MS) return;
    lastCheck = now;
    if (!replaced(destination, file)) return;
    try {
      makeDirs(path.dirname(file));
      destination.reopen();
    } catch (error) {
      failed(error as Error);
    }
  };
  return { failed, checkSoon };
}

/** True when `file` is gone or is another file than the one open (removed, renamed away). */
function replaced(destination: Destination, file: string): boolean {
  const fd = (destination as unknown as { fd: number }).fd;
  if (typeof fd !== 'number' || fd < 0) return false;
  try {
    const open = fs.fstatSync(fd);
    const now = fs.statSync(file);
    return open.ino !== now.ino || open.dev !== now.dev;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

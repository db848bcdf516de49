// The conductor's own log: pino JSON lines in logs/symphony_conductor.log, level from LOG_LEVEL.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from '../ports/logger.js';

export interface LoggerOptions {
  file: string;
  level?: string;
  /** Daemon: asynchronous writes, flushed on exit. CLI: synchronous. */
  sync: boolean;
  /** Also print warnings and errors (daemon: every info line) readably on stderr, e.g. for the journal. */
  echo?: 'none' | 'warn' | 'info';
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase();
  return LEVELS.has(level) ? level : 'info';
}

export function createPinoLogger(options: LoggerOptions): Logger {
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const destination = pino.destination({ dest: options.file, sync: options.sync, mkdir: true });
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
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => {
      log.info(fields, message);
      echo(30, 'info', fields, message);
    },
    warn: (fields, message) => {
      log.warn(fields, message);
      echo(40, 'warn', fields, message);
    },
    error: (fields, message) => {
      log.error(fields, message);
      echo(50, 'error', fields, message);
    },
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // nothing buffered or the file is gone; nothing more to do
      }
    },
  };
}

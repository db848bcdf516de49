// doctor: the config, the home's folders, the history and the disk under them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { historyExists, openForReading } from '../../adapters/sqlite/openForReading.js';
import { isConductorError } from '../../core/errors.js';
import { formatSize } from '../../core/format/size.js';
import type { Config } from '../../core/types.js';
import { loadConfig, shownPath } from '../loadConfig.js';
import type { HomePaths } from '../paths.js';
import { userName } from '../userName.js';
import { finding, type Finding } from './finding.js';

/** The config as `validate` checks it: home-relative paths (watched folders) and watch schemas included. */
export async function checkConfig(paths: HomePaths): Promise<{ findings: Finding[]; config: Config | null }> {
  try {
    const loaded = loadConfig(paths.config, paths.home);
    if (loaded.config.tasks.some((t) => t.watch?.json_schema)) {
      const { compileWatchSchemas } = await import('../watchConfig.js');
      await compileWatchSchemas(loaded.config, paths.home, loaded.shown);
    }
    const findings = [finding('config', 'ok', `${loaded.shown} is valid: ${loaded.config.tasks.length} tasks`)];
    for (const warning of loaded.warnings) findings.push(finding('config', 'warn', `${warning.where}: ${warning.message}`));
    return { findings, config: loaded.config };
  } catch (error) {
    const lines = isConductorError(error) ? error.lines() : [(error as Error).message];
    const shown = shownPath(paths.config);
    // A config that is not there cannot be corrected: say how one is made.
    const fix =
      isConductorError(error) && error.code === 'CONFIG_NOT_FOUND'
        ? `create it (from a crontab: symphony-conductor import-crontab FILE --output ${shown}; the format is in the README, "The config"), or give the home that has one (--home DIR, --config FILE); then check with: symphony-conductor validate --config ${shown}`
        : `correct it, then check with: symphony-conductor validate --config ${shown}`;
    return {
      findings: [
        finding('config', 'fail', `${(lines[0] ?? '').replace(/:$/, '')}${lines.length > 1 ? `: ${lines.slice(1).map((l) => l.trim()).join('; ')}` : ''}`, fix),
      ],
      config: null,
    };
  }
}

/**
 * A folder that is missing is created by `start` and `run`, so it is only worth a warning, unless
 * a daemon runs (then it was removed under it) or it could not be created (its parent is not
 * writable). The home itself is one: `start` writes conductor.pid there.
 */
export function checkFolders(paths: HomePaths, daemonRunning: boolean): Finding[] {
  const missing: string[] = [];
  const findings: Finding[] = [];
  for (const dir of [paths.home, paths.logsDir, paths.taskLogsDir, paths.statusDir, paths.healthDir]) {
    const shown = shownPath(dir);
    if (!fs.existsSync(dir) && !isSymlink(dir)) {
      if (missing.some((parent) => dir.startsWith(`${parent}/`))) continue;
      missing.push(dir);
      continue;
    }
    findings.push(checkFolder(dir, shown, dir === paths.home ? ': start cannot write conductor.pid there' : ''));
  }
  for (const dir of missing) {
    const shown = shownPath(dir);
    const creatable = writableAncestor(dir);
    if (daemonRunning || !creatable) {
      findings.push(
        finding(
          'folders',
          'fail',
          `${shown} is missing${daemonRunning ? ' while the daemon runs (it was removed under it)' : ` and cannot be created (${path.dirname(shown) || '.'} is not writable)`}`,
          daemonRunning ? `restart the daemon so it makes it again: systemctl restart symphony-conductor` : `mkdir -p ${shown} as a user who may, then chown it to the daemon's user`,
        ),
      );
    } else {
      findings.push(finding('folders', 'warn', `${shown} does not exist yet`, 'start or run creates it'));
    }
  }
  return findings;
}

function checkFolder(dir: string, shown: string, consequence: string): Finding {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    return finding('folders', 'fail', `${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, `check ${shown}`);
  }
  if (!stat.isDirectory()) return finding('folders', 'fail', `${shown} is not a folder`, `move the file aside: mv ${shown} ${shown}.moved`);
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    return notWritable('folders', [{ shown, stat }], error, consequence);
  }
  return finding('folders', 'ok', `${shown} is writable`);
}

/**
 * A fail for files or folders the current user cannot write, with the command that makes them
 * writable: on a read-only mount none does; an owner lacking the write bit needs chmod; anyone
 * else needs them given (doctor is meant to run as the daemon's user).
 */
function notWritable(check: string, items: { shown: string; stat: fs.Stats }[], error: unknown, consequence = ''): Finding {
  const user = userName();
  const list = items.map((item) => item.shown).join(' ');
  if ((error as NodeJS.ErrnoException).code === 'EROFS') {
    return finding(check, 'fail', `${list} is on a read-only file system${consequence}`, 'remount it read-write, or move the home to a writable file system');
  }
  const folders = items.every((item) => item.stat.isDirectory());
  const fix = items.every((item) => item.stat.uid === process.getuid?.())
    ? `chmod ${folders ? 'u+wx' : 'u+w'} ${list}`
    : `chown ${folders ? '-R ' : ''}${user} ${list} (the user the daemon runs as)`;
  return finding(check, 'fail', `${list} ${items.length === 1 ? 'is' : 'are'} not writable by ${user}${consequence}`, fix);
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function writableAncestor(dir: string): boolean {
  let parent = path.dirname(dir);
  while (!fs.existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
  try {
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
    return fs.statSync(parent).isDirectory();
  } catch {
    return false;
  }
}

export function checkHistory(paths: HomePaths): Finding[] {
  const shown = shownPath(paths.database);
  // existsSync says "no" for a history it may not look at (status/ at mode 000): only ENOENT is "not yet".
  try {
    if (!historyExists(paths.database)) return [finding('history', 'ok', `${shown} does not exist yet (created at the first run)`)];
  } catch (error) {
    const status = shownPath(path.dirname(paths.database));
    return [finding('history', 'fail', (error as Error).message, `chown -R ${userName()} ${status} (the user the daemon runs as), or chmod u+rwx ${status}`)];
  }
  const unwritable = checkHistoryWritable(paths.database);
  return unwritable ? [checkHistoryIntact(paths.database, shown), unwritable] : [checkHistoryIntact(paths.database, shown)];
}

/**
 * Opened as status opens it: a plain read-only connection to a database with no -wal would make
 * -wal and -shm and leave them behind, owned by whoever ran doctor (root, under sudo), and the
 * daemon's user could then no longer open the history.
 */
function checkHistoryIntact(database: string, shown: string): Finding {
  let db: Database.Database | null = null;
  try {
    db = openForReading(database);
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length > 0) {
      return finding('history', 'fail', `${shown} fails PRAGMA quick_check: ${problems.slice(0, 3).join('; ')}`, repairHint(shown));
    }
    return finding('history', 'ok', `${shown} passes PRAGMA quick_check`);
  } catch (error) {
    return finding('history', 'fail', `${shown} cannot be read: ${(error as Error).message}`, repairHint(shown));
  } finally {
    db?.close();
  }
}

/**
 * Reading the history proves nothing about writing it, and `start` opens it for writing: the
 * database and its -wal and -shm (when there) must be writable by the daemon's user, else start
 * refuses ("history database: cannot open for writing").
 */
function checkHistoryWritable(database: string): Finding | null {
  const unwritable: { shown: string; stat: fs.Stats }[] = [];
  let firstError: unknown = null;
  for (const file of [database, `${database}-wal`, `${database}-shm`]) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // -wal and -shm come and go with the connections
    }
    try {
      fs.accessSync(file, fs.constants.W_OK);
    } catch (error) {
      unwritable.push({ shown: shownPath(file), stat });
      firstError ??= error;
    }
  }
  if (unwritable.length === 0) return null;
  return notWritable('history', unwritable, firstError, ': start would refuse it (history database: cannot open for writing)');
}

function repairHint(shown: string): string {
  return `stop the daemon, move it aside (mv ${shown} ${shown}.damaged; a new history starts), or try: sqlite3 ${shown} .recover`;
}

/** Below these, tasks and the history start failing for want of space. */
const FAIL_BELOW_BYTES = 100 * 1024 * 1024;
const WARN_BELOW_FRACTION = 0.05;

export function checkDisk(paths: HomePaths): Finding {
  let stats: fs.StatsFs;
  try {
    stats = fs.statfsSync(paths.home);
  } catch (error) {
    return finding('disk', 'skip', `cannot read the free space of ${paths.home}: ${(error as Error).message}`);
  }
  const free = stats.bavail * stats.bsize;
  const total = stats.blocks * stats.bsize;
  const fs_ = mountOf(paths.home);
  const where = `${fs_ ? `${fs_} (holding ${shownPath(paths.home) || '.'})` : paths.home}`;
  const text = `${formatSize(free)} free of ${formatSize(total)} on ${where}`;
  if (free < FAIL_BELOW_BYTES) return finding('disk', 'fail', text, 'free space there: logs/automation/*.log.N, old history (task_history_retention_days), the cleanup quarantine');
  if (total > 0 && free / total < WARN_BELOW_FRACTION) return finding('disk', 'warn', text, 'free some space before it runs out');
  return finding('disk', 'ok', text);
}

function mountOf(dir: string): string | null {
  try {
    return execFileSync('df', ['--output=target', dir], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').at(-1) ?? null;
  } catch {
    return null;
  }
}

// How status, history and the reports open the history: never writing, never leaving a file
// behind, and working on a read-only file system. A WAL database is read through its -wal and
// -shm files; when they exist (a daemon runs, or died) SQLite reads through them with a
// read-only connection, on a read-only mount too. When they do not (the last writer closed
// cleanly) the main file holds everything, but a read-only connection would have to create
// them, cannot on a read-only mount, and could not delete them after (a root-owned -shm left by
// `sudo status` would lock the daemon's user out). So then: a read-write connection that
// writes nothing when the folder is writable (SQLite removes the files it made at close), and
// otherwise a private in-memory copy of the file.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConductorError } from '../../core/errors.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';

const BUSY_TIMEOUT_MS = 10_000;

/**
 * A connection to read the history at `file` from; a missing or never-written file reads as empty.
 * `copy`: always a private in-memory copy of the main file (a full disk cannot make the -shm file).
 * A history that is there but cannot be read (permissions) is a DATABASE error naming the file.
 */
export function openForReading(file: string, options: { copy?: boolean } = {}): Database.Database {
  if (!historyExists(file)) return emptyHistory();
  let db: Database.Database;
  try {
    db = options.copy ? inMemoryCopy(file) : connect(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return db;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (version === 0 && tables.n === 0) {
      db.close();
      return emptyHistory(); // created but never written: nothing recorded yet
    }
    if (version < SCHEMA_VERSION && db.readonly) {
      throw new Error(
        `schema version ${version} is older than this conductor's (${SCHEMA_VERSION}) and cannot be upgraded here (read-only); run start or run once where it can be written`,
      );
    }
    migrate(db); // an older schema where the file can be written, as before; a newer one is refused
    return db;
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

/**
 * Whether there is a history at `file`. Only "it is not there" is no history yet: the file or a
 * folder on its path missing (ENOENT: nothing has run on this home), or a file where a folder
 * should be (ENOTDIR). Anything else, above all a folder this user cannot enter (EACCES), is an
 * error naming the file: fs.existsSync says false then too, and "no runs recorded" of a home
 * that has runs would be a lie.
 */
export function historyExists(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw unreadable(file, error);
  }
}

/** Why the history at `file` cannot be read, for a reader (never "for writing"). */
function unreadable(file: string, error: unknown): Error {
  let code = (error as NodeJS.ErrnoException).code;
  if (code === 'SQLITE_CANTOPEN') code = accessProblem(file) ?? code; // SQLite does not say why
  if (code !== 'EACCES' && code !== 'EPERM') return error as Error; // SQLite's own, worded by databaseError
  return new ConductorError('DATABASE', `${file}: history database: cannot be read: permission denied (${code}; the file or a folder on its path is not open to this user)`, {
    cause: error,
  });
}

function accessProblem(file: string): string | null {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? null;
  }
}

function emptyHistory(): Database.Database {
  const memory = new Database(':memory:');
  migrate(memory);
  return memory;
}

function connect(file: string): Database.Database {
  if (fs.existsSync(`${file}-wal`)) {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      db.pragma('user_version'); // the first read maps -shm; fails here, not at a later query
      return db;
    } catch (error) {
      db.close();
      // -wal without a usable -shm on a read-only mount: only a copy of the main file can be read.
      if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN') throw error;
    }
  } else if (writable(file)) {
    return new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  }
  return inMemoryCopy(file);
}

function writable(file: string): boolean {
  try {
    fs.accessSync(path.dirname(file), fs.constants.W_OK | fs.constants.X_OK);
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false; // EROFS, EACCES
  }
}

/** The main file, read whole into a read-only in-memory database (no locks, no -wal, no -shm). */
function inMemoryCopy(file: string): Database.Database {
  const bytes = fs.readFileSync(file);
  // A WAL database cannot be opened from memory; this private copy is marked rollback-journal
  // (header bytes 18-19 are the read and write format versions: 2 for WAL, 1 for legacy).
  if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return new Database(bytes, { readonly: true });
}

// Every SQLite failure the user sees names the history file and says what to do, in one place.
import Database from 'better-sqlite3';
import { ConductorError } from '../../core/errors.js';
import type { RunStore } from '../../ports/runStore.js';

export function databaseError(file: string, error: unknown): ConductorError {
  if (error instanceof ConductorError) return error; // already names the file and says why
  const err = error as NodeJS.ErrnoException;
  const reason =
    err.code === 'EACCES' || err.code === 'SQLITE_CANTOPEN' || err.code === 'SQLITE_READONLY'
      ? 'cannot open for writing (check that the folder exists, is a folder, and is writable)'
      : err.code === 'ENOTDIR' || err.code === 'EEXIST'
        ? 'a file stands where a folder should be'
        : err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB'
          ? `${err.message} (the file is damaged or not a history database; move it aside to start a new history)`
          : err.message;
  return new ConductorError('DATABASE', `${file}: history database: ${reason}`, { cause: error });
}

/**
 * The store with every SQLite error of every method turned into a DATABASE error that names the
 * file ("database disk image is malformed" alone does not say which file). A Proxy rather than a
 * wrapper per method, so the port can grow without this being edited.
 */
export function namingFileInErrors<T extends object = RunStore>(store: T, file: string): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      // A sub-store on the same connection (watchFiles) names the file too.
      if (typeof value === 'object' && value !== null) return namingFileInErrors(value, file);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          if (error instanceof Database.SqliteError) throw databaseError(file, error);
          throw error;
        }
      };
    },
  });
}

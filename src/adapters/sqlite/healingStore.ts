// The history of a running daemon survives `rm -rf status/`: the database file it has open is
// still whole (an unlinked file lives on while open), so when its path no longer names it the
// store writes that open copy back to the path (VACUUM INTO: row ids, open runs, watermarks and
// all) and goes on there. When another file took the path meanwhile (a `run` made a new history),
// the store goes on with that one and says what stays behind. Checked when the owner asks
// (`heal()`, the daemon's watch of its home), never inside a transaction.
import fs from 'node:fs';
import path from 'node:path';
import type { RunStore } from '../../ports/runStore.js';
import { makeDirs } from '../makeDirs.js';

/** What the store over one connection can do beyond the port. */
export interface CopyableStore extends RunStore {
  /** Writes the whole database, as this connection sees it, to `target` (which must not exist). */
  copyTo(target: string): void;
}

export function healingStore(open: () => CopyableStore, file: string): RunStore {
  let current = open();
  let identity = identityOf(file);
  const heal = (): string | null => {
    const now = identityOf(file);
    if (now && identity && now.dev === identity.dev && now.ino === identity.ino) return null;
    let said = 'was replaced by another file while the conductor ran: going on with that one (what this conductor wrote before stays in the old file)';
    if (!now) {
      try {
        makeDirs(path.dirname(file));
        current.copyTo(file);
        said = 'was removed while the conductor ran: written again from the copy it had open (nothing lost)';
      } catch (error) {
        if (identityOf(file) === null) throw error; // not written, and no other file there: try again at the next check
      }
    }
    const old = current;
    current = open();
    identity = identityOf(file);
    old.close();
    return `${file}: the history database ${said}`;
  };
  // The watch files' store lives on the same connection: callers keep it, so it follows `current` too.
  const watchFiles = new Proxy({} as RunStore['watchFiles'], {
    get(_target, property) {
      const value = Reflect.get(current.watchFiles, property) as unknown;
      return typeof value === 'function' ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(current.watchFiles, args) : value;
    },
  });
  return new Proxy({} as RunStore, {
    get(_target, property) {
      if (property === 'heal') return heal;
      if (property === 'watchFiles') return watchFiles;
      const value = Reflect.get(current, property) as unknown;
      return typeof value === 'function' ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(current, args) : value;
    },
  });
}

function identityOf(file: string): { dev: number; ino: number } | null {
  try {
    const { dev, ino } = fs.statSync(file);
    return { dev, ino };
  } catch {
    return null;
  }
}

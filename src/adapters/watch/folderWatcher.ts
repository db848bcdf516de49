// Noticing files in a watched folder on Linux: fs.watch, which is inotify on the folder itself
// (measured against chokidar and @parcel/watcher: README, Watched folders). Names arrive as
// Buffers, so a name that is not UTF-8 is kept exactly. inotify says nothing useful when the
// folder itself is removed, and drops events when its queue overflows (fs.inotify.
// max_queued_events), so the folder's identity is checked every second (gone: wait for it;
// back or replaced: watch the new one and list it) and the folder is listed again every
// `rescanMs` as a safety net. Each batch of names goes out once per turn of the event loop.
import fs from 'node:fs';
import path from 'node:path';
import type { FolderListener, FolderWatch } from '../../ports/watchFolder.js';

const CHECK_MS = 1000;

export function watchFolder(dir: string, listener: FolderListener, rescanMs: number, list: (dir: string) => Buffer[]): FolderWatch {
  const self = Buffer.from(path.basename(dir));
  let watcher: fs.FSWatcher | null = null;
  let identity: string | null = null;
  let batch: Buffer[] = [];
  let flushing = false;
  let closed = false;

  const flush = () => {
    flushing = false;
    const names = batch;
    batch = [];
    if (!closed && names.length > 0) listener.names(names);
  };
  const add = (names: Buffer[]) => {
    batch.push(...names);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const rescan = () => {
    try {
      add(list(dir));
    } catch {
      check();
    }
  };
  const arm = () => {
    try {
      watcher = fs.watch(dir, { encoding: 'buffer', persistent: false }, (_type, name) => {
        if (!name) return rescan();
        if (name.equals(self)) check(); // the folder itself was renamed or removed (or a file of the same name)
        add([name]);
      });
      watcher.on('error', () => check());
      return true;
    } catch {
      watcher = null;
      return false;
    }
  };
  /** Is the folder still the one watched? Gone: stop; back or replaced: watch it and list it. */
  const check = () => {
    if (closed) return;
    const now = identityOf(dir);
    if (now === identity) return;
    watcher?.close();
    watcher = null;
    const wasThere = identity !== null;
    identity = now;
    if (now === null) {
      if (wasThere) listener.gone();
      return;
    }
    if (!arm()) {
      identity = null;
      return;
    }
    listener.back();
    rescan();
  };

  identity = identityOf(dir);
  if (identity !== null && arm()) rescan();
  else identity = null;
  const checkTimer = setInterval(check, CHECK_MS);
  const rescanTimer = setInterval(rescan, rescanMs);
  checkTimer.unref();
  rescanTimer.unref();
  return {
    close() {
      closed = true;
      clearInterval(checkTimer);
      clearInterval(rescanTimer);
      watcher?.close();
      watcher = null;
    },
  };
}

/** dev:ino of the folder, or null when there is no folder there. */
function identityOf(dir: string): string | null {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

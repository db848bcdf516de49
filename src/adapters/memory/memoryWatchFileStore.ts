// The files of watch tasks in memory, behind the same port as SQLite: what the in-memory run
// store (simulate) carries, so the engine's watch lane runs on it unchanged. Same rules as the
// SQL: a file is its name, size and mtime; a file that had gone and is back is pending again.
import type { WatchCounts, WatchFileKey, WatchFileRow, WatchFileStore, SeenFolder } from '../../ports/watchFileStore.js';

const keyOf = (task: string, key: WatchFileKey) => `${task}\u0000${key.name.toString('hex')}\u0000${key.size}\u0000${key.mtimeNs}`;

export function createMemoryWatchFileStore(appendRunReason: (runId: string, text: string) => void): WatchFileStore {
  let nextId = 1;
  const byId = new Map<number, WatchFileRow>();
  const byKey = new Map<string, WatchFileRow>();
  const copy = (row: WatchFileRow): WatchFileRow => ({ ...row });
  const rowsOf = (task: string) => [...byId.values()].filter((row) => row.task === task);
  const folders = new Map<string, SeenFolder>();

  return {
    addPending(task, files, at) {
      const added: WatchFileRow[] = [];
      for (const file of files) {
        const known = byKey.get(keyOf(task, file));
        if (known && known.state !== 'gone') continue;
        const row: WatchFileRow = known ?? { id: nextId++, task, name: file.name, size: file.size, mtimeNs: file.mtimeNs, state: 'pending', run_id: null, seen_at: at, started_at: null, finished_at: null, settled: false, moved_to: null, reason: null };
        Object.assign(row, { state: 'pending', seen_at: at, run_id: null, started_at: null, finished_at: null, settled: false, moved_to: null, reason: null });
        byId.set(row.id, row);
        byKey.set(keyOf(task, file), row);
        added.push(copy(row));
      }
      return added;
    },
    find(task, key) {
      const row = byKey.get(keyOf(task, key));
      return row ? copy(row) : null;
    },
    pendingAfter(task, afterId, limit) {
      return rowsOf(task)
        .filter((row) => row.state === 'pending' && row.id > afterId)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit)
        .map(copy);
    },
    unfinished(task) {
      return rowsOf(task)
        .filter((row) => row.state === 'running' || ((row.state === 'done' || row.state === 'failed') && !row.settled))
        .sort((a, b) => a.id - b.id)
        .map(copy);
    },
    claim(id, runId, at) {
      const row = byId.get(id);
      if (!row || row.state !== 'pending') return false;
      Object.assign(row, { state: 'running', run_id: runId, started_at: at });
      return true;
    },
    finish(id, state, at, reason) {
      const row = byId.get(id);
      if (row) Object.assign(row, { state, finished_at: at, reason, settled: false });
    },
    markGone(id, at, reason) {
      const row = byId.get(id);
      if (row) Object.assign(row, { state: 'gone', finished_at: at, reason, settled: true });
    },
    restamp(id, key) {
      const row = byId.get(id);
      if (!row || byKey.has(keyOf(row.task, { name: row.name, ...key }))) return;
      byKey.delete(keyOf(row.task, row));
      Object.assign(row, { size: key.size, mtimeNs: key.mtimeNs });
      byKey.set(keyOf(row.task, row), row);
    },
    settle(id, movedTo, reason) {
      const row = byId.get(id);
      if (row) Object.assign(row, { settled: true, moved_to: movedTo, reason: reason ?? row.reason });
    },
    counts(task, since): WatchCounts {
      const counts: WatchCounts = { pending: 0, running: 0, processed: 0, failed: 0 };
      for (const row of rowsOf(task)) {
        if (row.state === 'pending') counts.pending++;
        else if (row.state === 'running') counts.running++;
        else if (row.finished_at !== null && row.finished_at >= since) {
          if (row.state === 'done') counts.processed++;
          else if (row.state === 'failed') counts.failed++;
        }
      }
      return counts;
    },
    appendRunReason,
    folderOf(task) {
      const folder = folders.get(task);
      return folder ? { ...folder } : null;
    },
    setFolder(task, folder) {
      folders.set(task, { ...folder });
    },
    prune(before) {
      let pruned = 0;
      for (const row of [...byId.values()]) {
        const away = row.state === 'gone' || ((row.state === 'done' || row.state === 'failed') && row.moved_to !== null);
        if (row.finished_at !== null && row.finished_at < before && row.settled && away) {
          byId.delete(row.id);
          byKey.delete(keyOf(row.task, row));
          pruned++;
        }
      }
      return pruned;
    },
  };
}

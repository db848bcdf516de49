// Purging the quarantine: batches older than a set age are deleted for good. This is the only
// place the tools delete files, and it deletes only inside `<root>/.quarantine/<batch-id>`.
import fs from 'node:fs';
import type { ActionsLog } from '../shared/actionsLog.js';
import { withCleanupLock } from '../shared/cleanupLock.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { batchDir, batchTime, listBatchIds } from './manifest.js';

export interface PurgeResult {
  older_than_ms: number;
  cutoff: string;
  dry_run: boolean;
  batches: { batch_id: string; created_at: string; outcome: 'purged' | 'would purge' | 'failed'; detail?: string }[];
}

/** `cleanup purge` on its own: a real purge holds the cleanup lock. */
export function purgeQuarantineLocked(root: MaintenanceRoot, olderThanMs: number, now: Date, dryRun: boolean, log: ActionsLog): PurgeResult {
  const run = (): PurgeResult => purgeQuarantine(root, olderThanMs, now, dryRun, log);
  return dryRun ? run() : withCleanupLock(root, run);
}

/**
 * Deletes the batches made before `now - olderThanMs`, except `keep` (the batch `cleanup execute`
 * has just made: a batch id has a one-second stamp, so even `--purge-after 1s` could otherwise
 * take the files it has just promised to restore).
 */
export function purgeQuarantine(root: MaintenanceRoot, olderThanMs: number, now: Date, dryRun: boolean, log: ActionsLog, keep: string | null = null): PurgeResult {
  const cutoff = new Date(now.getTime() - olderThanMs);
  const result: PurgeResult = { older_than_ms: olderThanMs, cutoff: cutoff.toISOString(), dry_run: dryRun, batches: [] };
  const quarantine = fs.lstatSync(fsAbsolute(root, STATE.quarantine), { throwIfNoEntry: false });
  if (!quarantine?.isDirectory()) return result;
  for (const batchId of listBatchIds(root)) {
    const created = batchTime(batchId);
    if (created.getTime() > cutoff.getTime() || batchId === keep) continue;
    const item = { batch_id: batchId, created_at: created.toISOString() };
    if (dryRun) {
      result.batches.push({ ...item, outcome: 'would purge' });
      continue;
    }
    const dir = fsAbsolute(root, batchDir(batchId));
    try {
      if (!fs.lstatSync(dir).isDirectory()) throw new Error('not a directory');
      fs.rmSync(dir, { recursive: true });
      result.batches.push({ ...item, outcome: 'purged' });
      log.note('purge', 'ok', null, `${batchId} (made ${item.created_at})`);
    } catch (error) {
      result.batches.push({ ...item, outcome: 'failed', detail: (error as Error).message });
      log.note('purge', 'failed', null, `${batchId}: ${(error as Error).message}`);
    }
  }
  return result;
}

// `cleanup batches`: what the quarantine holds, newest first.
import fs from 'node:fs';
import { joinPath } from '../shared/bytePath.js';
import { fsAbsolute, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { batchDir, batchTime, listBatchIds, readManifest, type EntryStatus } from './manifest.js';

export interface BatchInfo {
  batch_id: string;
  created_at: string;
  source: string | null;
  counts: Record<EntryStatus, number> | null;
  bytes_held: number;
  error?: string;
}

export function listBatches(root: MaintenanceRoot): BatchInfo[] {
  return listBatchIds(root).map((batchId) => {
    const created_at = batchTime(batchId).toISOString();
    try {
      const manifest = readManifest(root, batchId);
      const counts: Record<EntryStatus, number> = { planned: 0, moved: 0, failed: 0, restored: 0 };
      let bytes = 0;
      for (const entry of manifest.entries) {
        counts[entry.status] += 1;
        if (entry.status === 'moved') bytes += entry.size;
      }
      return { batch_id: batchId, created_at, source: manifest.source, counts, bytes_held: bytes };
    } catch (error) {
      const exists = fs.existsSync(fsAbsolute(root, joinPath(batchDir(batchId), 'manifest.json')));
      return { batch_id: batchId, created_at, source: null, counts: null, bytes_held: 0, error: exists ? (error as Error).message : 'no manifest' };
    }
  });
}

// The cleanup policy over an inventory: which files with reasons are candidates, and why the
// others are left out (protected, tracked, too recent). Pure: no file system, `now` is given.
import type { BytePath } from '../shared/bytePath.js';
import type { InventoryFile } from '../inventory/index.js';
import { isStatePath } from '../shared/maintenanceRoot.js';
import { protectedBy, type ProtectRule } from '../shared/protectPatterns.js';

export interface CandidatePolicy {
  rules: ProtectRule[];
  includeTracked: boolean;
  /** Files modified more recently than this (ms) may be in use and are left alone. */
  minAgeMs: number;
  stateFiles: BytePath[];
}

export interface Selection {
  candidates: InventoryFile[];
  excluded: { protected: number; tracked: number; recent: number };
}

export function selectCandidates(files: Iterable<InventoryFile>, policy: CandidatePolicy, nowMs: number): Selection {
  const candidates: InventoryFile[] = [];
  const excluded = { protected: 0, tracked: 0, recent: 0 };
  for (const file of files) {
    if (file.reasons.length === 0) continue;
    if (isStatePath(file.rel, policy.stateFiles) || protectedBy(policy.rules, file.rel) !== null) excluded.protected += 1;
    else if (file.git === 'tracked' && !policy.includeTracked) excluded.tracked += 1;
    else if (nowMs - file.mtimeMs < policy.minAgeMs) excluded.recent += 1;
    else candidates.push(file);
  }
  return { candidates, excluded };
}

// `cleanup execute`: candidates from the inventory, checked again one by one, moved into one
// quarantine batch (dry run unless asked), at most `maxDeletions`; then old batches purged.
import { openActionsLog } from '../shared/actionsLog.js';
import { withCleanupLock } from '../shared/cleanupLock.js';
import { toJsonPath, type BytePath } from '../shared/bytePath.js';
import { assertSameRoot } from './analyzeCleanup.js';
import { trackedForExecution } from '../shared/gitState.js';
import { readInventory, type InventoryFile } from '../inventory/index.js';
import { absolute, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { moveToQuarantine } from './moveToQuarantine.js';
import { purgeQuarantine, type PurgeResult } from './purgeQuarantine.js';
import { selectCandidates, type CandidatePolicy } from './selectCandidates.js';
import { summarize, type BatchSummary } from './summarizeBatch.js';

export interface ExecuteOptions {
  root: MaintenanceRoot;
  inventory: BytePath;
  policy: CandidatePolicy;
  dryRun: boolean;
  maxDeletions: number;
  /** Purge batches older than this (ms) after a real run; null: no purge. */
  purgeAfterMs: number | null;
  clock: () => Date;
}

export interface ExecuteResult extends BatchSummary {
  root: string;
  inventory: string;
  max_deletions: number;
  purge: PurgeResult | null;
}

export function executeCleanup(options: ExecuteOptions): ExecuteResult {
  const { root } = options;
  const abs = absolute(root, options.inventory);
  const shown = toJsonPath(abs).path;
  const inventory = readInventory(abs, shown);
  assertSameRoot(inventory.root, root, shown);
  const run = (): ExecuteResult => moveAndPurge(options, inventory.files, shown);
  return options.dryRun ? run() : withCleanupLock(root, run);
}

function moveAndPurge(options: ExecuteOptions, files: InventoryFile[], shown: string): ExecuteResult {
  const { root, policy } = options;
  const now = options.clock();
  const { candidates } = selectCandidates(files, policy, now.getTime());
  const tracked = trackedForExecution(root.root);
  const log = openActionsLog(root, options.clock);
  const batch = moveToQuarantine(
    {
      policy: { root, rules: policy.rules, tracked, includeTracked: policy.includeTracked, stateFiles: policy.stateFiles },
      log,
      source: 'cleanup',
      dryRun: options.dryRun,
      maxMoves: options.maxDeletions,
      clock: options.clock,
    },
    candidates.map((file) => ({
      rel: file.rel,
      reasons: file.reasons,
      expect: { kind: file.kind, size: file.size, mtimeMs: file.mtimeMs },
      duplicateOf: file.duplicateOf,
    })),
  );
  const purge = options.purgeAfterMs === null ? null : purgeQuarantine(root, options.purgeAfterMs, now, options.dryRun, log, batch.batchId);
  return { root: root.rootText, inventory: shown, max_deletions: options.maxDeletions, ...summarize(batch, log.failures), purge };
}

// The cleanup feature: candidates from the inventory, moved into a restorable quarantine,
// restored, listed and purged. What the CLI uses; `expire` builds on its quarantine.
export { analyzeCleanup, type Analysis } from './analyzeCleanup.js';
export { executeCleanup, type ExecuteOptions, type ExecuteResult } from './executeCleanup.js';
export { policyFrom } from './policyFrom.js';
export { pickBatch, restoreBatch, type RestoreResult } from './restoreBatch.js';
export { purgeQuarantineLocked, type PurgeResult } from './purgeQuarantine.js';
export { listBatches, type BatchInfo } from './listBatches.js';
export { moveToQuarantine, type MoveOptions, type BatchResult } from './moveToQuarantine.js';
export { batchFailed, summarize, type BatchSummary } from './summarizeBatch.js';
export { formatAnalysis, formatBatch, formatBatches, formatExecute, formatPurge, formatRestore } from './format.js';

// The JSON form of a batch's outcome, shared by `cleanup execute` and `expire run`.
import type { BatchResult, MoveOutcome } from './moveToQuarantine.js';

export interface BatchSummary {
  dry_run: boolean;
  batch_id: string | null;
  counts: Record<MoveOutcome, number> & { deferred: number };
  bytes_moved: number;
  log_failures: string[];
  results: { path: string; path_b64?: string; outcome: MoveOutcome; detail: string; size: number; reasons: string[] }[];
}

export function summarize(batch: BatchResult, logFailures: string[]): BatchSummary {
  const counts = { moved: 0, 'would move': 0, skipped: 0, refused: 0, failed: 0, deferred: batch.deferred };
  let bytes = 0;
  for (const r of batch.results) {
    counts[r.outcome] += 1;
    if (r.outcome === 'moved') bytes += r.size;
  }
  return {
    dry_run: batch.dryRun,
    batch_id: batch.batchId,
    counts,
    bytes_moved: bytes,
    log_failures: logFailures,
    results: batch.results.map(({ rel: _rel, ...rest }) => rest),
  };
}

/** Whether the work failed in part (exit 8): a move or the batch itself failed. */
export function batchFailed(summary: BatchSummary): boolean {
  return summary.counts.failed > 0;
}

// Text output of the cleanup commands (JSON output is the result objects themselves).
import type { Analysis } from './analyzeCleanup.js';
import { quoteJsonPath } from '../shared/bytePath.js';
import { formatDuration } from '../../core/format/duration.js';
import type { ExecuteResult } from './executeCleanup.js';
import type { BatchInfo } from './listBatches.js';
import type { PurgeResult } from './purgeQuarantine.js';
import type { RestoreResult } from './restoreBatch.js';
import { formatSize } from '../../core/format/size.js';
import type { BatchSummary } from './summarizeBatch.js';

const shown = quoteJsonPath;
const pad = (text: string, width: number): string => text.padStart(width);

export function formatAnalysis(a: Analysis, limit: number): string[] {
  const lines = [
    `Cleanup candidates in ${a.root} (inventory of ${a.generated_at})`,
    `  ${a.totals.candidates} candidate${a.totals.candidates === 1 ? '' : 's'}, ${formatSize(a.totals.candidate_bytes)}, out of ${a.totals.files} file${a.totals.files === 1 ? '' : 's'}`,
  ];
  for (const [kind, b] of Object.entries(a.by_reason)) lines.push(`    ${kind}: ${b.files} (${formatSize(b.bytes)})`);
  const ex = a.excluded;
  lines.push(`  left alone: ${ex.protected} protected, ${ex.tracked} tracked by git, ${ex.recent} modified recently`);
  for (const c of a.candidates.slice(0, limit)) lines.push(`${pad(formatSize(c.size), 11)}  ${shown(c)}  (${c.reasons.join('; ')})`);
  if (a.candidates.length > limit) lines.push(`  ... and ${a.candidates.length - limit} more (--limit, or --json for all)`);
  return lines;
}

/** The lines of one batch (shared with `expire run`). */
export function formatBatch(b: BatchSummary): string[] {
  const lines: string[] = [];
  for (const r of b.results) lines.push(`  ${r.outcome.padEnd(10)} ${shown(r)}  ${r.outcome === 'would move' || r.outcome === 'moved' ? `(${r.reasons.join('; ')})` : r.detail}`);
  const c = b.counts;
  lines.push(
    b.dry_run
      ? `Dry run: ${c['would move']} would be moved to the quarantine, ${c.skipped} skipped, ${c.refused} refused${c.deferred ? `, ${c.deferred} left for later runs` : ''}. Nothing was changed; pass --execute to move them.`
      : `${c.moved} moved (${formatSize(b.bytes_moved)})${b.batch_id ? ` into batch ${b.batch_id}` : ''}, ${c.failed} failed, ${c.skipped} skipped, ${c.refused} refused${c.deferred ? `, ${c.deferred} left for later runs` : ''}.`,
  );
  if (b.batch_id && c.moved > 0) lines.push(`Undo with: symphony-conductor cleanup restore ${b.batch_id}`);
  for (const f of b.log_failures) lines.push(`warning: cleanup_actions.log not written: ${f}`);
  return lines;
}

export function formatExecute(r: ExecuteResult): string[] {
  return [...formatBatch(r), ...(r.purge && r.purge.batches.length > 0 ? formatPurge(r.purge) : [])];
}

export function formatPurge(p: PurgeResult): string[] {
  const lines = p.batches.map((b) => `  ${b.outcome.padEnd(11)} ${b.batch_id}${b.detail ? `  ${b.detail}` : ''}`);
  lines.push(`Quarantine batches older than ${formatDuration(p.older_than_ms)}: ${p.batches.length}${p.dry_run && p.batches.length > 0 ? ' (dry run: nothing deleted)' : ''}`);
  return lines;
}

export function formatRestore(r: RestoreResult): string[] {
  const lines = r.results.map((x) => `  ${x.outcome.padEnd(9)} ${shown(x)}  ${x.outcome === 'restored' ? '' : x.detail}`.trimEnd());
  const c = r.counts;
  lines.push(`Batch ${r.batch_id}: ${c.restored} restored, ${c.conflict} conflicts, ${c.missing} missing, ${c.failed} failed.`);
  return lines;
}

export function formatBatches(list: BatchInfo[]): string[] {
  if (list.length === 0) return ['The quarantine is empty.'];
  return list.map((b) =>
    b.counts
      ? `${b.batch_id}  ${b.source}  ${b.counts.moved} held (${formatSize(b.bytes_held)}), ${b.counts.restored} restored, ${b.counts.failed} failed`
      : `${b.batch_id}  unreadable: ${b.error}`,
  );
}

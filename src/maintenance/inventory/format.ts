// Text output of `inventory` (its JSON output is the summary itself).
import { formatDuration } from '../../core/format/duration.js';
import { formatSize } from '../../core/format/size.js';
import type { ScanSummary } from './scanInventory.js';

export function formatScan(s: ScanSummary): string[] {
  const lines = [
    `Inventory of ${s.root} written to ${s.inventory} in ${formatDuration(s.duration_ms)}`,
    `  ${s.totals.files} files (${formatSize(s.totals.bytes)}), ${s.totals.symlinks} symlinks, ${s.totals.hashed} hashed`,
    `  git: ${s.git.repository ? 'work tree' : `not a work tree${s.git.note ? ` (${s.git.note})` : ''}`}`,
    `  ${s.totals.candidates} possible candidates (${formatSize(s.totals.candidate_bytes)}); run \`cleanup analyze\` to see them`,
  ];
  for (const [kind, b] of Object.entries(s.by_reason)) lines.push(`    ${kind}: ${b.files} (${formatSize(b.bytes)})`);
  if (s.totals.skipped_special > 0) lines.push(`  ${s.totals.skipped_special} sockets, fifos or devices skipped`);
  for (const e of s.errors) lines.push(`  cannot read ${e.path}: ${e.message}`);
  return lines;
}

// Text output of `git-maintenance`.
import { formatSize } from '../../core/format/size.js';
import type { GitMaintenanceResult } from './gitMaintenance.js';
import type { GitSize } from './countObjects.js';

export function formatGitMaintenance(result: GitMaintenanceResult): string[] {
  if (result.status === 'skipped') return [`git maintenance of ${result.root} skipped: ${result.reason ?? ''}`];
  const lines = [`git maintenance of ${result.root}${result.aggressive ? ' (aggressive)' : ''}`];
  for (const step of result.steps) lines.push(`  ${step.command}: ${step.ok ? 'ok' : 'FAILED'} in ${(step.duration_ms / 1000).toFixed(1)}s`);
  for (const lock of result.stale_locks) lines.push(`  note: stale lock left in place: ${lock}`);
  if (result.status === 'failed') {
    lines.push(`failed: ${result.reason ?? ''}`);
    const output = result.steps.at(-1)?.output;
    if (output) lines.push(...output.split('\n').slice(-10).map((l) => `  | ${l}`));
    return lines;
  }
  lines.push(`  objects: ${size(result.size_before)} -> ${size(result.size_after)}${result.freed_bytes !== null ? ` (freed ${formatSize(Math.max(0, result.freed_bytes))})` : ''}`);
  return lines;
}

function size(value: GitSize | null): string {
  if (value === null) return '?';
  return `${formatSize(value.total_bytes)} (${value.loose_objects} loose, ${value.packed_objects} packed in ${value.packs} pack${value.packs === 1 ? '' : 's'})`;
}

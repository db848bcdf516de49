// Text output of the expire commands (JSON output is the result objects themselves).
import { formatBatch } from '../cleanup/index.js';
import { quoteJsonPath } from '../shared/bytePath.js';
import type { ExpireRunResult, ExpiryJson } from './expireFiles.js';

export function formatExpiries(list: { registry_exists: boolean; entries: ExpiryJson[] }): string[] {
  if (!list.registry_exists) return ['No registry yet (.cleanup_registry.json); add files with `expire add PATH --in 7d --reason TEXT`.'];
  if (list.entries.length === 0) return ['The registry is empty.'];
  return list.entries.map((e) => `${e.expires_at}  ${e.expired ? 'expired' : 'pending'}  ${quoteJsonPath(e)}${e.reason ? `  (${e.reason})` : ''}`);
}

export function formatExpireRun(r: ExpireRunResult): string[] {
  if (!r.registry_exists) return ['No registry (.cleanup_registry.json): nothing to do.'];
  const lines = [`${r.expired} expired, ${r.pending} pending.`];
  if (r.expired > 0) lines.push(...formatBatch(r));
  for (const p of r.pruned) lines.push(`  pruned     ${quoteJsonPath(p)}  (${p.why})`);
  return lines;
}

// `audit`: the audit log of a home, read without writing (as history is); `--since` is a
// duration back from now (7d, 12h) or an ISO 8601 time.
import { openRunStore } from '../adapters/sqlite/sqliteRunStore.js';
import { ConductorError } from '../core/errors.js';
import type { AuditRecord } from '../core/types.js';
import { parseDuration } from '../core/format/duration.js';
import type { HomePaths } from './paths.js';
import { requireHomeFolder } from './readableHome.js';

export function readAudit(paths: HomePaths, query: { since?: string; limit: number; now: number }): AuditRecord[] {
  const since = query.since === undefined ? undefined : sinceMs(query.since, query.now);
  requireHomeFolder(paths.home);
  const store = openRunStore(paths.database, { create: false });
  try {
    return store.audit({ since, limit: query.limit });
  } finally {
    store.close();
  }
}

function sinceMs(text: string, now: number): number {
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw new ConductorError('USAGE', `--since: "${text}" is not an ISO 8601 time (e.g. 2025-06-01T00:00:00Z)`);
    return at;
  }
  return now - parseDuration(text, { flag: '--since' });
}

// .cleanup_registry.json: files registered to expire. Read (parse and check every entry, so a
// corrupt registry or an entry pointing outside the root refuses the whole file) and written
// atomically.
import { ConductorError, type Problem } from '../../core/errors.js';
import { fromJsonPath, isContainedRelative, toJsonPath, type BytePath } from '../shared/bytePath.js';
import { writeFileAtomic } from '../../adapters/atomicWrite.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { readTextNoFollow } from '../shared/noFollow.js';

export const REGISTRY_VERSION = 1;

export interface Expiry {
  rel: BytePath;
  expiresAt: Date;
  reason: string;
  addedAt: string | null;
}

export interface Registry {
  exists: boolean;
  entries: Expiry[];
}

/** Reads the registry; a missing one is empty. */
export function readRegistry(root: MaintenanceRoot): Registry {
  let text: string;
  try {
    text = readTextNoFollow(fsAbsolute(root, STATE.registry));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, entries: [] };
    throw new ConductorError('INPUT_INVALID', `Registry ${STATE.registry} cannot be read`, { problems: [{ where: STATE.registry, message: (error as Error).message }] });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConductorError('INPUT_INVALID', `Registry ${STATE.registry} is not valid JSON; fix or remove it`, {
      problems: [{ where: STATE.registry, message: (error as Error).message }],
    });
  }
  const problems: Problem[] = [];
  const doc = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (doc.version !== REGISTRY_VERSION) problems.push({ where: '/version', message: `expected ${REGISTRY_VERSION}` });
  if (!Array.isArray(doc.entries)) problems.push({ where: '/entries', message: 'expected an array' });
  const entries: Expiry[] = [];
  (Array.isArray(doc.entries) ? doc.entries : []).forEach((raw: unknown, index: number) => {
    const where = `/entries/${index}`;
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof e.path !== 'string' || (e.path_b64 !== undefined && typeof e.path_b64 !== 'string')) {
      problems.push({ where: `${where}/path`, message: 'expected a path relative to the root' });
      return;
    }
    const rel = fromJsonPath(e.path, e.path_b64 as string | undefined);
    if (!isContainedRelative(rel)) {
      problems.push({ where: `${where}/path`, message: `"${e.path}" points outside the root (absolute, empty or with ..)` });
      return;
    }
    const expires = typeof e.expires_at === 'string' ? new Date(e.expires_at) : new Date(Number.NaN);
    if (Number.isNaN(expires.getTime())) {
      problems.push({ where: `${where}/expires_at`, message: 'expected an ISO 8601 time' });
      return;
    }
    if (e.reason !== undefined && typeof e.reason !== 'string') {
      problems.push({ where: `${where}/reason`, message: 'expected text' });
      return;
    }
    entries.push({ rel, expiresAt: expires, reason: (e.reason as string | undefined) ?? '', addedAt: typeof e.added_at === 'string' ? e.added_at : null });
  });
  if (problems.length > 0) throw new ConductorError('INPUT_INVALID', `Registry ${STATE.registry} is not valid; nothing was done`, { problems });
  return { exists: true, entries };
}

export function writeRegistry(root: MaintenanceRoot, entries: Expiry[]): void {
  const doc = {
    version: REGISTRY_VERSION,
    entries: entries.map((entry) => ({
      ...toJsonPath(entry.rel),
      expires_at: entry.expiresAt.toISOString(),
      reason: entry.reason,
      ...(entry.addedAt === null ? {} : { added_at: entry.addedAt }),
    })),
  };
  writeFileAtomic(fsAbsolute(root, STATE.registry), `${JSON.stringify(doc, null, 2)}\n`);
}

/** Two entries are the same registration (same bytes, same expiry). */
export function sameExpiry(a: Expiry, b: Expiry): boolean {
  return a.rel === b.rel && a.expiresAt.getTime() === b.expiresAt.getTime();
}

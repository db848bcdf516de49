// The manifest of one quarantine batch: what was moved, from where, with which mode, times,
// size and hash, so `cleanup restore` can put every file back exactly. Written atomically.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConductorError, type Problem } from '../../core/errors.js';
import { fromJsonPath, fsPath, isContainedRelative, joinPath, toJsonPath, type BytePath } from '../shared/bytePath.js';
import { writeFileAtomic } from '../../adapters/atomicWrite.js';
import { absolute, STATE, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { readTextNoFollow } from '../shared/noFollow.js';

export const MANIFEST_VERSION = 1;
export type EntryStatus = 'planned' | 'moved' | 'failed' | 'restored';

export interface ManifestEntry {
  rel: BytePath;
  kind: 'file' | 'symlink';
  mode: number;
  size: number;
  mtimeNs: bigint;
  atimeNs: bigint;
  hash: string | null;
  reasons: string[];
  status: EntryStatus;
  error: string | null;
}

export interface Manifest {
  batchId: string;
  /** The root it was made in (null only in a manifest being made, or one without it). */
  root?: string | null;
  source: 'cleanup' | 'expire';
  createdAt: string;
  finishedAt: string | null;
  entries: ManifestEntry[];
}

const BATCH_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** A sortable batch id: the UTC time and a random suffix, e.g. `20250602T030000Z-1a2b3c`. */
export function newBatchId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function isBatchId(text: string): boolean {
  return BATCH_ID.test(text);
}

/** Where a batch lives, relative to the root. */
export function batchDir(batchId: string): BytePath {
  return joinPath(STATE.quarantine, batchId);
}

/** Where a moved file lives inside its batch. */
export function quarantinedPath(batchId: string, rel: BytePath): BytePath {
  return joinPath(batchDir(batchId), 'files', rel);
}

export function writeManifest(root: MaintenanceRoot, manifest: Manifest): void {
  const entries = manifest.entries.map((entry) => ({
    ...toJsonPath(entry.rel),
    kind: entry.kind,
    mode: (entry.mode & 0o7777).toString(8).padStart(4, '0'),
    size: entry.size,
    mtime: new Date(Number(entry.mtimeNs / 1_000_000n)).toISOString(),
    mtime_ns: entry.mtimeNs.toString(),
    atime_ns: entry.atimeNs.toString(),
    hash: entry.hash,
    reasons: entry.reasons,
    status: entry.status,
    ...(entry.error === null ? {} : { error: entry.error }),
  }));
  const doc = {
    version: MANIFEST_VERSION,
    batch_id: manifest.batchId,
    source: manifest.source,
    root: root.rootText,
    created_at: manifest.createdAt,
    finished_at: manifest.finishedAt,
    entries,
  };
  writeFileAtomic(fsPath(absolute(root, joinPath(batchDir(manifest.batchId), 'manifest.json'))), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
}

/** Reads and checks a batch's manifest; a corrupt one is refused with every problem (exit 1). */
export function readManifest(root: MaintenanceRoot, batchId: string): Manifest {
  const rel = joinPath(batchDir(batchId), 'manifest.json');
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readTextNoFollow(fsPath(absolute(root, rel)))) as Record<string, unknown>;
  } catch (error) {
    throw new ConductorError('INPUT_INVALID', `Manifest of batch ${batchId} cannot be read`, { problems: [{ where: rel, message: (error as Error).message }], cause: error });
  }
  const problems: Problem[] = [];
  if (data?.version !== MANIFEST_VERSION) problems.push({ where: '/version', message: `expected ${MANIFEST_VERSION}` });
  if (!Array.isArray(data?.entries)) problems.push({ where: '/entries', message: 'expected an array' });
  const entries: ManifestEntry[] = [];
  for (const [index, raw] of (Array.isArray(data?.entries) ? data.entries : []).entries()) {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `/entries/${index}`;
    const rel = typeof e.path === 'string' ? fromJsonPath(e.path, typeof e.path_b64 === 'string' ? e.path_b64 : undefined) : ('' as BytePath);
    const ok =
      isContainedRelative(rel) &&
      (e.kind === 'file' || e.kind === 'symlink') &&
      typeof e.mode === 'string' &&
      /^[0-7]{3,4}$/.test(e.mode) &&
      Number.isSafeInteger(e.size) &&
      typeof e.mtime_ns === 'string' &&
      /^\d+$/.test(e.mtime_ns) &&
      typeof e.atime_ns === 'string' &&
      /^\d+$/.test(e.atime_ns) &&
      ['planned', 'moved', 'failed', 'restored'].includes(e.status as string);
    if (!ok) {
      problems.push({ where, message: 'not a valid entry (path inside the root, kind, mode, size, mtime_ns, atime_ns, status)' });
      continue;
    }
    entries.push({
      rel,
      kind: e.kind as 'file' | 'symlink',
      mode: parseInt(e.mode as string, 8),
      size: e.size as number,
      mtimeNs: BigInt(e.mtime_ns as string),
      atimeNs: BigInt(e.atime_ns as string),
      hash: typeof e.hash === 'string' ? e.hash : null,
      reasons: Array.isArray(e.reasons) ? e.reasons.filter((x): x is string => typeof x === 'string') : [],
      status: e.status as EntryStatus,
      error: typeof e.error === 'string' ? e.error : null,
    });
  }
  if (problems.length > 0) throw new ConductorError('INPUT_INVALID', `Manifest of batch ${batchId} is not valid`, { problems });
  return {
    batchId,
    root: typeof data.root === 'string' ? data.root : null,
    source: data.source === 'expire' ? 'expire' : 'cleanup',
    createdAt: typeof data.created_at === 'string' ? data.created_at : '',
    finishedAt: typeof data.finished_at === 'string' ? data.finished_at : null,
    entries,
  };
}

/** Batch ids in the quarantine, newest first; anything else there is left alone. */
export function listBatchIds(root: MaintenanceRoot): string[] {
  const dir = fsPath(absolute(root, STATE.quarantine));
  try {
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory()) return [];
    return fs
      .readdirSync(dir)
      .filter((name) => isBatchId(name))
      .sort()
      .reverse();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** When a batch was made: from its id (the manifest may be unreadable). */
export function batchTime(batchId: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(batchId);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : new Date(0);
}

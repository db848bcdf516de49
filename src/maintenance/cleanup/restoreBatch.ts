// `cleanup restore`: puts a batch's files back where they were, with their mode and times.
// A file now present at the original path is never overwritten (reported as a conflict); only
// a batch in folders the tools made, for this root, is restored, and no link is ever followed.
import fs from 'node:fs';
import { ConductorError } from '../../core/errors.js';
import { openActionsLog, type ActionsLog } from '../shared/actionsLog.js';
import { withCleanupLock } from '../shared/cleanupLock.js';
import { displayPath, isContainedRelative, joinPath, parentOf, toJsonPath, type BytePath } from '../shared/bytePath.js';
import { fsAbsolute, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { checkBatchDirs } from './checkBatchDirs.js';
import { batchDir, isBatchId, listBatchIds, quarantinedPath, readManifest, writeManifest, type Manifest, type ManifestEntry } from './manifest.js';
import { renameInRoot, type RenameOutcome, type RenameRequest } from './renameInRoot.js';

export type RestoreOutcome = 'restored' | 'conflict' | 'missing' | 'failed';

export interface RestoreResult {
  root: string;
  batch_id: string;
  counts: Record<RestoreOutcome, number>;
  results: { path: string; path_b64?: string; outcome: RestoreOutcome; detail: string }[];
  log_failures: string[];
}

/** The batch to restore: the one named, or with `latest` the newest that still holds files. */
export function pickBatch(root: MaintenanceRoot, batchId: string | undefined, latest: boolean): string {
  const ids = listBatchIds(root);
  if (batchId !== undefined) {
    if (!isBatchId(batchId) || !ids.includes(batchId)) {
      throw new ConductorError('USAGE', `No quarantine batch ${batchId}`, { problems: [{ where: 'batch', message: 'see `symphony-conductor cleanup batches`' }] });
    }
    return batchId;
  }
  if (!latest) throw new ConductorError('USAGE', 'Name a batch id or pass --latest');
  // Newest first by the manifest's creation time (ms): ids made within one second share their
  // stamp, and their random suffixes do not order them.
  const holding = ids
    .filter((id) => checkBatchDirs(root, id) === null)
    .map((id) => ({ id, manifest: readManifest(root, id) }))
    .filter(({ manifest }) => manifest.entries.some((entry) => entry.status === 'moved' || entry.status === 'planned'))
    .sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt) || b.id.localeCompare(a.id));
  if (holding[0]) return holding[0].id;
  throw new ConductorError('USAGE', 'No quarantine batch holds files to restore');
}

export function restoreBatch(root: MaintenanceRoot, batchId: string, clock: () => Date = () => new Date()): RestoreResult {
  return withCleanupLock(root, () => restoreNow(root, batchId, clock));
}

type Step = { outcome: RestoreOutcome; detail: string } | { rename: RenameRequest } | null;

function restoreNow(root: MaintenanceRoot, batchId: string, clock: () => Date): RestoreResult {
  const folders = checkBatchDirs(root, batchId);
  if (folders !== null) {
    throw new ConductorError('INPUT_INVALID', `Batch ${batchId} cannot be restored: its quarantine folders were not made by the tools`, {
      problems: [{ where: batchDir(batchId), message: folders }],
    });
  }
  const manifest = readManifest(root, batchId);
  if (manifest.root !== root.rootText) {
    throw new ConductorError('INPUT_INVALID', `Batch ${batchId} was made for ${manifest.root ?? 'an unnamed root'}, not ${root.rootText}; nothing restored`, {
      problems: [{ where: '/root', message: 'a manifest only restores into the root it was made in' }],
    });
  }
  const log = openActionsLog(root, clock);
  const result: RestoreResult = {
    root: root.rootText,
    batch_id: batchId,
    counts: { restored: 0, conflict: 0, missing: 0, failed: 0 },
    results: [],
    log_failures: log.failures,
  };
  const steps = manifest.entries.map((entry): Step => (entry.status === 'restored' || entry.status === 'failed' ? null : prepare(root, manifest, entry, log)));
  const requests = steps.flatMap((step) => (step && 'rename' in step ? [step.rename] : []));
  const renames = renameInRoot(root, requests);
  let next = 0;
  manifest.entries.forEach((entry, index) => {
    const step = steps[index] ?? null;
    if (step === null) return;
    const outcome = 'rename' in step ? finish(root, manifest, entry, renames[next++] as RenameOutcome, log) : step;
    result.counts[outcome.outcome] += 1;
    result.results.push({ ...toJsonPath(entry.rel), ...outcome });
  });
  try {
    writeManifest(root, manifest);
  } catch (error) {
    log.note('restore', 'warning', null, `${batchId}: manifest not updated: ${(error as Error).message}`);
  }
  removeEmptyDirs(fsAbsolute(root, joinPath(batchDir(batchId), 'files')));
  return result;
}

/** What to do with one entry: an outcome decided already, or a rename to make. */
function prepare(root: MaintenanceRoot, manifest: Manifest, entry: ManifestEntry, log: ActionsLog): Step {
  const from = quarantinedPath(manifest.batchId, entry.rel);
  const held = fs.lstatSync(fsAbsolute(root, from), { bigint: true, throwIfNoEntry: false });
  if (!held) {
    if (entry.status === 'planned') return null; // the batch stopped before moving it
    log.note('restore', 'missing', entry.rel, `${manifest.batchId}: not in the quarantine`);
    return { outcome: 'missing', detail: 'not in the quarantine (purged or removed by hand)' };
  }
  if (!isContainedRelative(entry.rel)) return { outcome: 'failed', detail: 'path is outside the root' };
  const parents = checkFolders(root, parentOf(entry.rel));
  if (parents !== null) {
    log.note('restore', 'failed', entry.rel, `${manifest.batchId}: ${parents}`);
    return { outcome: 'failed', detail: parents };
  }
  if (fs.lstatSync(fsAbsolute(root, entry.rel), { throwIfNoEntry: false })) return conflict(manifest, entry, log);
  return { rename: { from, to: entry.rel, expect: { dev: held.dev, ino: held.ino, size: held.size, mtimeNs: held.mtimeNs }, dirMode: 0o755 } };
}

function finish(root: MaintenanceRoot, manifest: Manifest, entry: ManifestEntry, rename: RenameOutcome, log: ActionsLog): { outcome: RestoreOutcome; detail: string } {
  if (!rename.ok && rename.stage === 'rename' && rename.code === 'EEXIST') return conflict(manifest, entry, log);
  try {
    if (!rename.ok) {
      throw new Error(rename.stage === 'target' ? `a folder on its way back is now a symlink or a file (${rename.code}); not restored` : `${rename.code}: ${rename.message}`);
    }
    entry.status = 'restored';
    applyModeAndTimes(fsAbsolute(root, entry.rel), entry);
  } catch (error) {
    const message = (error as Error).message;
    log.note('restore', 'failed', entry.rel, `${manifest.batchId}: ${message}`);
    return { outcome: 'failed', detail: message };
  }
  log.note('restore', 'ok', entry.rel, `<- ${manifest.batchId}`);
  return { outcome: 'restored', detail: `from ${manifest.batchId}` };
}

function conflict(manifest: Manifest, entry: ManifestEntry, log: ActionsLog): { outcome: RestoreOutcome; detail: string } {
  log.note('restore', 'conflict', entry.rel, `${manifest.batchId}: a file exists at the original path; left in quarantine`);
  return { outcome: 'conflict', detail: 'a file exists at the original path; left in the quarantine' };
}

/** The folders on the way back that exist must be folders, not symlinks or files (missing ones are made). */
function checkFolders(root: MaintenanceRoot, parent: BytePath): string | null {
  let dir = '' as BytePath;
  for (const part of parent.length > 0 ? parent.split('/') : []) {
    dir = joinPath(dir, part);
    const stat = fs.lstatSync(fsAbsolute(root, dir), { throwIfNoEntry: false });
    if (!stat) return null;
    if (stat.isSymbolicLink()) return `its folder ${displayPath(dir)} is now a symlink; not restored`;
    if (!stat.isDirectory()) return `its folder ${displayPath(dir)} is now a file; not restored`;
  }
  return null;
}

/** A rename keeps mode and times; they are set again only if something changed them. */
function applyModeAndTimes(path: Buffer, entry: ManifestEntry): void {
  const stat = fs.lstatSync(path, { bigint: true });
  if (entry.kind === 'file' && Number(stat.mode & 0o7777n) !== entry.mode) fs.chmodSync(path, entry.mode);
  if (stat.mtimeNs !== entry.mtimeNs) {
    const atime = Number(entry.atimeNs) / 1e9;
    const mtime = Number(entry.mtimeNs) / 1e9;
    if (entry.kind === 'symlink') fs.lutimesSync(path, atime, mtime);
    else fs.utimesSync(path, atime, mtime);
  }
}

function removeEmptyDirs(dir: Buffer): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' as BufferEncoding });
  } catch {
    return false;
  }
  let empty = true;
  for (const entry of entries) {
    const child = Buffer.concat([dir, Buffer.from('/'), entry.name as unknown as Buffer]);
    if (!(entry.isDirectory() && removeEmptyDirs(child))) empty = false;
  }
  if (empty) fs.rmdirSync(dir);
  return empty;
}

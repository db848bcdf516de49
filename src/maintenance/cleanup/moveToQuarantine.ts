// Moves a list of candidates into one quarantine batch, shared by `cleanup execute` and
// `expire run`. Each file is checked again, then renamed (same file system, atomic) beneath the
// root without following any link (renameInRoot): when the rename fails the file stays where it
// was. Nothing is copied, nothing is deleted.
import fs from 'node:fs';
import { displayPath, joinPath, toJsonPath, type BytePath, type JsonPath } from '../shared/bytePath.js';
import type { ActionsLog } from '../shared/actionsLog.js';
import { checkCandidate, type MoveRequest, type SafetyPolicy } from './checkCandidate.js';
import { renameInRoot, type RenameOutcome } from './renameInRoot.js';
import { fsAbsolute, STATE } from '../shared/maintenanceRoot.js';
import { batchDir, newBatchId, quarantinedPath, writeManifest, type Manifest, type ManifestEntry } from './manifest.js';

export type MoveOutcome = 'moved' | 'would move' | 'skipped' | 'refused' | 'failed';

export interface MoveResult extends JsonPath {
  rel: BytePath;
  outcome: MoveOutcome;
  detail: string;
  size: number;
  reasons: string[];
}

export interface BatchResult {
  batchId: string | null;
  dryRun: boolean;
  results: MoveResult[];
  /** Eligible candidates left for a later run because of --max-deletions. */
  deferred: number;
}

export interface MoveOptions {
  policy: SafetyPolicy;
  log: ActionsLog;
  source: 'cleanup' | 'expire';
  dryRun: boolean;
  maxMoves: number;
  clock: () => Date;
}

interface Planned {
  request: MoveRequest;
  entry: ManifestEntry;
  dev: bigint;
  ino: bigint;
}

export function moveToQuarantine(options: MoveOptions, requests: Iterable<MoveRequest>): BatchResult {
  const { policy, dryRun, log } = options;
  const results: MoveResult[] = [];
  const planned: Planned[] = [];
  const plannedPaths = new Set<string>();
  let deferred = 0;
  const result = (request: MoveRequest, outcome: MoveOutcome, detail: string, size: number): MoveResult => ({
    ...toJsonPath(request.rel),
    rel: request.rel,
    outcome,
    detail,
    size,
    reasons: request.reasons,
  });
  for (const request of requests) {
    if (planned.length >= options.maxMoves) {
      deferred += 1;
      continue;
    }
    const check = checkCandidate(policy, request, plannedPaths);
    if (!check.ok) {
      results.push(result(request, check.outcome, check.detail, request.expect?.size ?? 0));
      if (!dryRun) log.note(`${options.source}-check`, check.outcome, request.rel, check.detail);
      continue;
    }
    plannedPaths.add(request.rel);
    planned.push({
      request,
      dev: check.stat.dev,
      ino: check.stat.ino,
      entry: {
        rel: request.rel,
        kind: check.kind,
        mode: Number(check.stat.mode & 0o7777n),
        size: Number(check.stat.size),
        mtimeNs: check.stat.mtimeNs,
        atimeNs: check.stat.atimeNs,
        hash: check.hash,
        reasons: request.reasons,
        status: 'planned',
        error: null,
      },
    });
  }
  if (dryRun || planned.length === 0) {
    for (const p of planned) results.push(result(p.request, 'would move', 'dry run', p.entry.size));
    return { batchId: null, dryRun, results, deferred };
  }
  const manifest: Manifest = {
    batchId: newBatchId(options.clock()),
    source: options.source,
    createdAt: options.clock().toISOString(),
    finishedAt: null,
    entries: planned.map((p) => p.entry),
  };
  const setup = openBatch(options, manifest);
  if (setup !== null) {
    for (const p of planned) {
      p.entry.status = 'failed';
      p.entry.error = setup;
      results.push(result(p.request, 'failed', `not moved: ${setup}`, p.entry.size));
    }
    return { batchId: null, dryRun, results, deferred };
  }
  const renames = renameInRoot(
    policy.root,
    planned.map((p) => ({
      from: p.entry.rel,
      to: quarantinedPath(manifest.batchId, p.entry.rel),
      expect: { dev: p.dev, ino: p.ino, size: BigInt(p.entry.size), mtimeNs: p.entry.mtimeNs },
      dirMode: 0o700,
    })),
  );
  planned.forEach((p, index) => {
    const outcome = recordMove(options, manifest.batchId, p, renames[index] as RenameOutcome);
    results.push(result(p.request, outcome.ok ? 'moved' : 'failed', outcome.detail, p.entry.size));
  });
  manifest.finishedAt = options.clock().toISOString();
  try {
    writeManifest(policy.root, manifest);
  } catch (error) {
    // The planned manifest is on disk; restore also trusts what it finds in the quarantine.
    log.note('batch-end', 'warning', null, `${manifest.batchId}: final manifest not written: ${(error as Error).message}`);
  }
  const moved = planned.filter((p) => p.entry.status === 'moved').length;
  log.note('batch-end', 'ok', null, `${manifest.batchId}: ${moved} moved, ${planned.length - moved} failed`);
  return { batchId: manifest.batchId, dryRun, results, deferred };
}

/** Makes the batch folder and writes the planned manifest and the first log line; an error text on failure. */
function openBatch(options: MoveOptions, manifest: Manifest): string | null {
  const { root } = options.policy;
  const quarantine = fsAbsolute(root, STATE.quarantine);
  const dir = fsAbsolute(root, batchDir(manifest.batchId));
  let created = false;
  try {
    ensureQuarantine(quarantine);
    fs.mkdirSync(dir, { mode: 0o700 });
    created = true;
    fs.mkdirSync(fsAbsolute(root, joinPath(batchDir(manifest.batchId), 'files')), { mode: 0o700 });
    writeManifest(root, manifest);
    options.log.append('batch-start', 'ok', null, `${manifest.batchId}: ${manifest.entries.length} to move (${options.source})`);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code ? `${code}: ${(error as Error).message}` : (error as Error).message;
    if (created) fs.rmSync(dir, { recursive: true, force: true });
    options.log.note('batch-start', 'failed', null, `${manifest.batchId}: ${message}; nothing moved`);
    return message;
  }
}

/** The quarantine folder must be a real directory inside the root (never a symlink). */
export function ensureQuarantine(quarantine: Buffer): void {
  try {
    const stat = fs.lstatSync(quarantine);
    if (!stat.isDirectory()) throw new Error(`${STATE.quarantine} exists and is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(quarantine, { mode: 0o700 });
  }
}

/** The manifest entry, the log line and the result text of one rename into the batch. */
function recordMove(options: MoveOptions, batchId: string, p: Planned, rename: RenameOutcome): { ok: boolean; detail: string } {
  const toRel = quarantinedPath(batchId, p.entry.rel);
  if (!rename.ok) {
    const message = rename.stage === 'changed' ? 'changed while the batch ran' : `${rename.code}: ${rename.message}`;
    p.entry.status = 'failed';
    p.entry.error = message;
    options.log.note('move', 'failed', p.entry.rel, `${message}; left in place`);
    return { ok: false, detail: `left in place: ${message}` };
  }
  p.entry.status = 'moved';
  options.log.note('move', 'ok', p.entry.rel, `-> ${displayPath(toRel)} (${p.entry.reasons.join('; ')})`);
  return { ok: true, detail: `-> ${displayPath(toRel)}` };
}

// The expired-files task: register a file with an expiry (`expire add`), list the registry,
// and move the expired ones to the quarantine (like cleanup), pruning the registry after.
import fs from 'node:fs';
import path from 'node:path';
import { ConductorError } from '../../core/errors.js';
import { openActionsLog } from '../shared/actionsLog.js';
import { toJsonPath, type BytePath, type JsonPath } from '../shared/bytePath.js';
import { checkParents } from '../shared/checkParents.js';
import { withCleanupLock } from '../shared/cleanupLock.js';
import { trackedForExecution } from '../shared/gitState.js';
import { fsAbsolute, isStatePath, relativeToRoot, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { protectedBy, type ProtectRule } from '../shared/protectPatterns.js';
import { readRegistry, sameExpiry, writeRegistry, type Expiry } from './registry.js';
import { moveToQuarantine, summarize, type BatchSummary } from '../cleanup/index.js';

/** A registry change is short: `expire add` and `remove` wait this long for another holder of the lock. */
const REGISTRY_CHANGE = { waitMs: 30_000 };

export interface ExpiryJson extends JsonPath {
  expires_at: string;
  reason: string;
  added_at: string | null;
  expired: boolean;
}

function toJson(entry: Expiry, nowMs: number): ExpiryJson {
  return {
    ...toJsonPath(entry.rel),
    expires_at: entry.expiresAt.toISOString(),
    reason: entry.reason,
    added_at: entry.addedAt,
    expired: entry.expiresAt.getTime() <= nowMs,
  };
}

/** Registers (or re-registers) a file inside the root to expire at `expiresAt`. */
export function addExpiry(
  root: MaintenanceRoot,
  input: { path: string; spelledRoot?: string; expiresAt: Date; reason: string; rules: ProtectRule[] },
  now: Date,
): { entry: ExpiryJson; replaced: boolean } {
  const rel = relativeToRoot(root, input.path, input.spelledRoot);
  const refuse = (message: string): never => {
    throw new ConductorError('USAGE', `Cannot register ${input.path}`, { problems: [{ where: input.path, message }] });
  };
  if (rel === null) {
    // The root itself (however spelled) is not a file inside it.
    const abs = path.resolve(input.path);
    if (abs === root.rootText || (input.spelledRoot !== undefined && abs === path.resolve(input.spelledRoot))) return refuse('is the root itself, not a file in it');
    return refuse(`outside the root ${root.rootText}`);
  }
  if (isStatePath(rel)) refuse('is the tools\' own state');
  const rule = protectedBy(input.rules, rel);
  if (rule !== null) refuse(`protected (${rule}); it would never be removed`);
  const parents = checkParents(root, rel);
  if (!parents.ok) refuse(parents.detail);
  const stat = fs.lstatSync(fsAbsolute(root, rel), { throwIfNoEntry: false });
  if (!stat) refuse('no such file');
  else if (!stat.isFile() && !stat.isSymbolicLink()) refuse('not a regular file or symlink (folders cannot expire)');
  const entry: Expiry = { rel, expiresAt: input.expiresAt, reason: input.reason, addedAt: now.toISOString() };
  return withCleanupLock(root, () => {
    const registry = readRegistry(root);
    const kept = registry.entries.filter((old) => old.rel !== rel);
    writeRegistry(root, [...kept, entry]);
    openActionsLog(root, () => now).note('expire-add', 'ok', rel, `expires ${entry.expiresAt.toISOString()}: ${input.reason}`);
    return { entry: toJson(entry, now.getTime()), replaced: kept.length !== registry.entries.length };
  }, REGISTRY_CHANGE);
}

export function listExpiries(root: MaintenanceRoot, now: Date): { registry_exists: boolean; entries: ExpiryJson[] } {
  const registry = readRegistry(root);
  const sorted = [...registry.entries].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  return { registry_exists: registry.exists, entries: sorted.map((entry) => toJson(entry, now.getTime())) };
}

export interface ExpireRunResult extends BatchSummary {
  root: string;
  registry_exists: boolean;
  expired: number;
  pending: number;
  pruned: { path: string; path_b64?: string; why: string }[];
}

/** Options of `expire run`. */
export interface ExpireOptions {
  rules: ProtectRule[];
  includeTracked: boolean;
  dryRun: boolean;
  maxDeletions: number;
  clock: () => Date;
}

/** Moves expired files to the quarantine and prunes what is gone from the registry. */
export function runExpiry(root: MaintenanceRoot, options: ExpireOptions): ExpireRunResult {
  const nowMs = options.clock().getTime();
  const anyExpired = readRegistry(root).entries.some((entry) => entry.expiresAt.getTime() <= nowMs);
  return options.dryRun || !anyExpired ? expireNow(root, options) : withCleanupLock(root, () => expireNow(root, options));
}

function expireNow(root: MaintenanceRoot, options: ExpireOptions): ExpireRunResult {
  const now = options.clock();
  const registry = readRegistry(root);
  const seen = new Set<string>();
  const expired = registry.entries
    .filter((e) => e.expiresAt.getTime() <= now.getTime())
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
    .filter((e) => !seen.has(e.rel) && seen.add(e.rel) !== undefined);
  const log = openActionsLog(root, options.clock);
  const tracked = expired.length > 0 ? trackedForExecution(root.root) : null;
  const batch = moveToQuarantine(
    { policy: { root, rules: options.rules, tracked, includeTracked: options.includeTracked, stateFiles: [] }, log, source: 'expire', dryRun: options.dryRun, maxMoves: options.maxDeletions, clock: options.clock },
    expired.map((entry) => ({ rel: entry.rel, reasons: [`expired ${entry.expiresAt.toISOString()}${entry.reason ? `: ${entry.reason}` : ''}`], expect: null, duplicateOf: null })),
  );
  const gone = new Map<BytePath, string>();
  for (const r of batch.results) {
    if (r.outcome === 'moved') gone.set(r.rel, 'moved to the quarantine');
    else if (r.outcome === 'skipped' && r.detail.startsWith('vanished')) gone.set(r.rel, 'file no longer exists');
  }
  const pruned: ExpireRunResult['pruned'] = [];
  if (!options.dryRun && gone.size > 0) {
    const fresh = readRegistry(root); // someone may have added entries meanwhile
    const prunable = expired.filter((entry) => gone.has(entry.rel));
    writeRegistry(root, fresh.entries.filter((entry) => !prunable.some((p) => sameExpiry(p, entry))));
    for (const entry of prunable) {
      const why = gone.get(entry.rel) ?? '';
      pruned.push({ ...toJsonPath(entry.rel), why });
      log.note('expire-prune', 'ok', entry.rel, why);
    }
  }
  return {
    root: root.rootText,
    registry_exists: registry.exists,
    expired: expired.length,
    pending: registry.entries.length - expired.length,
    pruned,
    ...summarize(batch, log.failures),
  };
}

/** Exit 8 for `expire run`: an expired file that could not be removed (refused or failed). */
export function expiryFailed(result: ExpireRunResult): boolean {
  return result.counts.failed > 0 || result.counts.refused > 0;
}


/** Removes a file's registration (the file itself is not touched). */
export function removeExpiry(root: MaintenanceRoot, input: { path: string; spelledRoot?: string }, now: Date): { removed: number } {
  const rel = relativeToRoot(root, input.path, input.spelledRoot);
  if (rel === null) throw new ConductorError('USAGE', `Cannot unregister ${input.path}`, { problems: [{ where: input.path, message: `outside the root ${root.rootText}` }] });
  return withCleanupLock(root, () => {
    const registry = readRegistry(root);
    const kept = registry.entries.filter((entry) => entry.rel !== rel);
    const removed = registry.entries.length - kept.length;
    if (removed > 0) {
      writeRegistry(root, kept);
      openActionsLog(root, () => now).note('expire-remove', 'ok', rel, 'unregistered');
    }
    return { removed };
  }, REGISTRY_CHANGE);
}

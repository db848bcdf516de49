// Execution-time safety for one candidate (the inventory or registry may be stale): re-lstat,
// refuse what is protected, tracked, reached through a symlink or changed, and confirm that a
// duplicate's original still exists with the same content.
import fs from 'node:fs';
import { displayPath, type BytePath } from '../shared/bytePath.js';
import { checkParents } from '../shared/checkParents.js';
import { hashFile } from '../shared/hashFile.js';
import { fsAbsolute, isStatePath, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { protectedBy, type ProtectRule } from '../shared/protectPatterns.js';

export interface MoveRequest {
  rel: BytePath;
  reasons: string[];
  /** What the inventory saw; null when there is nothing to compare with (registry entries). */
  expect: { kind: 'file' | 'symlink'; size: number; mtimeMs: number } | null;
  /** For duplicates: the copy that stays, which must still exist with the same content. */
  duplicateOf: BytePath | null;
}

export interface SafetyPolicy {
  root: MaintenanceRoot;
  rules: ProtectRule[];
  /** Tracked paths now (git ls-files), or null when the root is not in a work tree. */
  tracked: Set<string> | null;
  includeTracked: boolean;
  /** Extra state files to never touch (a custom inventory path). */
  stateFiles: BytePath[];
}

export type CheckResult =
  | { ok: true; stat: fs.BigIntStats; kind: 'file' | 'symlink'; hash: string | null }
  | { ok: false; outcome: 'refused' | 'skipped'; detail: string };

const refuse = (detail: string): CheckResult => ({ ok: false, outcome: 'refused', detail });
const skip = (detail: string): CheckResult => ({ ok: false, outcome: 'skipped', detail });

/** Whether `request` may be moved now; `planned` holds the paths this batch already takes. */
export function checkCandidate(policy: SafetyPolicy, request: MoveRequest, planned: Set<string>): CheckResult {
  const { rel } = request;
  if (isStatePath(rel, policy.stateFiles)) return refuse('is the tools\' own state');
  const rule = protectedBy(policy.rules, rel);
  if (rule !== null) return refuse(`protected (${rule})`);
  if (policy.tracked?.has(rel) && !policy.includeTracked) return refuse('tracked by git (use --include-tracked)');
  const parents = checkParents(policy.root, rel);
  if (!parents.ok) return parents;
  let stat: fs.BigIntStats;
  try {
    stat = fs.lstatSync(fsAbsolute(policy.root, rel), { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return skip('vanished since the scan');
    return refuse(`cannot stat: ${(error as Error).message}`);
  }
  const kind = stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'symlink' : null;
  if (kind === null) return refuse(stat.isDirectory() ? 'is a directory' : 'not a regular file or symlink');
  const expect = request.expect;
  if (expect && (expect.kind !== kind || BigInt(expect.size) !== stat.size || BigInt(expect.mtimeMs) !== stat.mtimeNs / 1_000_000n)) {
    return skip('changed since the scan (size, time or kind)');
  }
  let hash: string | null = null;
  if (kind === 'file') {
    try {
      hash = hashFile(fsAbsolute(policy.root, rel));
    } catch (error) {
      return refuse(`cannot read: ${(error as Error).message}`);
    }
  }
  if (request.duplicateOf !== null) {
    const problem = checkOriginal(policy, request.duplicateOf, hash, planned);
    if (problem !== null) return skip(problem);
  }
  return { ok: true, stat, kind, hash };
}

function checkOriginal(policy: SafetyPolicy, original: BytePath, hash: string | null, planned: Set<string>): string | null {
  const shown = displayPath(original);
  if (planned.has(original)) return `its original ${shown} is also being moved`;
  if (!checkParents(policy.root, original).ok) return `its original ${shown} cannot be checked safely`;
  try {
    const stat = fs.lstatSync(fsAbsolute(policy.root, original));
    if (!stat.isFile()) return `its original ${shown} is no longer a regular file`;
    if (hashFile(fsAbsolute(policy.root, original)) !== hash) return `no longer identical to ${shown}`;
  } catch {
    return `its original ${shown} is gone`;
  }
  return null;
}

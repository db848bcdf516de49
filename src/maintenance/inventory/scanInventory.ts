// The inventory scan: walk the root once (streaming every record to a spool file), hash only
// the files that share a size with a possible duplicate, then write cleanup_inventory.json
// atomically from the spool. Memory holds counters and hashes, never the whole tree.
import fs from 'node:fs';
import { ConductorError, EXIT } from '../../core/errors.js';
import { performance } from 'node:perf_hooks';
import { bytesOf, displayPath, fsPath, joinPath, toJsonPath, type BytePath } from '../shared/bytePath.js';
import { openAtomic, tempNameFor } from '../../adapters/atomicWrite.js';
import { chooseKeeper, type KeeperCandidate } from './chooseKeeper.js';
import { readGitIndex, type GitState } from '../shared/gitState.js';
import { hashFile } from '../shared/hashFile.js';
import { fileToJson, INVENTORY_VERSION, type InventoryFile } from './inventoryFile.js';
import { absolute, isStatePath, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { pauseForTest } from '../shared/pauseForTest.js';
import { forEachLine } from '../shared/readLines.js';
import { mayBeDuplicate, reasonKind, reasonsFor, type ReasonSettings } from './reasons.js';
import { walkTree } from './walkTree.js';

export interface ScanOptions {
  root: MaintenanceRoot;
  /** Where the inventory goes, relative to the root. */
  output: BytePath;
  settings: ReasonSettings;
  now: Date;
}

export interface ScanSummary {
  inventory: string;
  root: string;
  generated_at: string;
  duration_ms: number;
  git: { repository: boolean; note: string | null };
  totals: { files: number; bytes: number; symlinks: number; candidates: number; candidate_bytes: number; hashed: number; skipped_special: number };
  by_reason: Record<string, { files: number; bytes: number }>;
  errors: { path: string; message: string }[];
}

const MAX_ERRORS = 100;

interface SpoolRecord {
  r: string; // rel path, one char per byte
  k: 'file' | 'symlink';
  s: number;
  m: number;
  o: number;
  g: GitState;
  t?: string; // link target bytes
  x: string[];
}

/** Scans the root and writes the inventory; returns what the CLI prints. */
export function scanInventory(options: ScanOptions): ScanSummary {
  const started = performance.now();
  const { root } = options;
  const outputAbs = absolute(root, options.output);
  const spoolAbs = bytesOf(tempNameFor(fsPath(outputAbs), 'spool'));
  const git = readGitIndex(root.root);
  const errors: ScanSummary['errors'] = [];
  const noteError = (rel: BytePath, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ path: displayPath(rel), message });
  };
  try {
    const pass1 = spoolTree(options, spoolAbs, git.stateOf, noteError);
    pauseForTest('inventory-after-walk');
    const dupes = findDuplicates(options, spoolAbs, pass1.sizes, noteError);
    const totals = { ...pass1.totals, hashed: dupes.hashed };
    totals.candidates += dupes.newCandidates;
    totals.candidate_bytes += dupes.newCandidateBytes;
    const byReason = writeInventory(outputAbs, spoolAbs, dupes, {
      version: INVENTORY_VERSION,
      root: root.rootText,
      generated_at: options.now.toISOString(),
      settings: { log_age_ms: options.settings.logAgeMs, large_bytes: options.settings.largeBytes },
      git: { repository: git.repository, note: git.note },
      totals,
      errors,
    });
    return {
      inventory: toJsonPath(outputAbs).path,
      root: root.rootText,
      generated_at: options.now.toISOString(),
      duration_ms: Math.round(performance.now() - started),
      git: { repository: git.repository, note: git.note },
      totals,
      by_reason: byReason,
      errors,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !WRITE_ERRORS.has(code)) throw error;
    throw new ConductorError('PATH_NOT_WRITABLE', `Cannot write the inventory next to ${toJsonPath(outputAbs).path}; the old one (if any) is unchanged`, {
      problems: [{ where: toJsonPath(outputAbs).path, message: (error as Error).message }],
      exitCode: EXIT.taskFailed,
      cause: error,
    });
  } finally {
    fs.rmSync(fsPath(spoolAbs), { force: true });
  }
}

const WRITE_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ENOENT', 'ENOTDIR']);

type SizeCounts = Map<number, { all: number; eligible: number }>;

function spoolTree(options: ScanOptions, spoolAbs: BytePath, stateOf: (rel: BytePath) => GitState, noteError: (rel: BytePath, m: string) => void) {
  const { root, settings, output } = options;
  const nowMs = options.now.getTime();
  const sizes: SizeCounts = new Map();
  const totals = { files: 0, bytes: 0, symlinks: 0, candidates: 0, candidate_bytes: 0, skipped_special: 0 };
  const spool = fs.openSync(fsPath(spoolAbs), 'wx', 0o600);
  let pending: string[] = [];
  const flush = (): void => {
    const chunk = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    for (let offset = 0; offset < chunk.length; ) offset += fs.writeSync(spool, chunk, offset);
  };
  try {
    const walk = walkTree({ root: root.root, skip: (rel) => isStatePath(rel, [output]) });
    for (const item of walk) {
      if (item.type === 'error') {
        noteError(item.rel, item.message);
        continue;
      }
      const { rel, stat } = item;
      const kind = stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'symlink' : null;
      if (kind === null) {
        totals.skipped_special += 1;
        continue;
      }
      const git = stateOf(rel);
      const mtimeMs = Math.floor(stat.mtimeMs);
      const reasons = reasonsFor({ rel, kind, size: stat.size, mtimeMs, git }, settings, nowMs);
      const record: SpoolRecord = { r: rel, k: kind, s: stat.size, m: mtimeMs, o: stat.mode & 0o7777, g: git, x: reasons };
      if (kind === 'symlink') {
        try {
          record.t = bytesOf(fs.readlinkSync(fsPath(joinPath(root.root, rel)), { encoding: 'buffer' }));
        } catch (error) {
          noteError(rel, (error as Error).message);
        }
        totals.symlinks += 1;
      }
      totals.files += 1;
      totals.bytes += stat.size;
      if (reasons.length > 0) {
        totals.candidates += 1;
        totals.candidate_bytes += stat.size;
      }
      if (kind === 'file' && stat.size > 0 && git !== 'ignored') {
        const counts = sizes.get(stat.size) ?? { all: 0, eligible: 0 };
        counts.all += 1;
        if (mayBeDuplicate(git)) counts.eligible += 1;
        sizes.set(stat.size, counts);
      }
      pending.push(`${JSON.stringify(record)}\n`);
      if (pending.length >= 512) flush();
    }
    flush();
    fs.fsyncSync(spool);
  } finally {
    fs.closeSync(spool);
  }
  return { sizes, totals };
}

interface Duplicates {
  hashes: Map<string, string>;
  keeperOf: Map<string, BytePath>;
  hashed: number;
  newCandidates: number;
  newCandidateBytes: number;
}

function findDuplicates(options: ScanOptions, spoolAbs: BytePath, sizes: SizeCounts, noteError: (rel: BytePath, m: string) => void): Duplicates {
  const hashes = new Map<string, string>();
  const groups = new Map<string, { keeper: KeeperCandidate; members: KeeperCandidate[] }>();
  let order = 0;
  forEachLine(fsPath(spoolAbs), (line) => {
    const record = JSON.parse(line) as SpoolRecord;
    order += 1;
    const counts = sizes.get(record.s);
    if (record.k !== 'file' || record.s === 0 || record.g === 'ignored' || !counts || counts.all < 2 || counts.eligible < 1) return;
    const rel = record.r as BytePath;
    let hash: string;
    try {
      hash = hashFile(fsPath(joinPath(options.root.root, rel)));
    } catch (error) {
      noteError(rel, `not hashed: ${(error as Error).message}`);
      return;
    }
    hashes.set(rel, hash);
    const member: KeeperCandidate = { rel, git: record.g, hasReasons: record.x.length > 0, mtimeMs: record.m, order, size: record.s };
    const group = groups.get(hash);
    if (group) {
      group.members.push(member);
      group.keeper = chooseKeeper(group.keeper, member);
    } else {
      groups.set(hash, { keeper: member, members: [member] });
    }
  });
  const keeperOf = new Map<string, BytePath>();
  let newCandidates = 0;
  let newCandidateBytes = 0;
  for (const group of groups.values()) {
    if (group.members.length < 2) continue;
    for (const member of group.members) {
      if (member.rel === group.keeper.rel || !mayBeDuplicate(member.git)) continue;
      keeperOf.set(member.rel, group.keeper.rel);
      if (!member.hasReasons) {
        newCandidates += 1;
        newCandidateBytes += member.size;
      }
    }
    group.members = [];
  }
  return { hashes, keeperOf, hashed: hashes.size, newCandidates, newCandidateBytes };
}

function writeInventory(
  outputAbs: BytePath,
  spoolAbs: BytePath,
  dupes: Duplicates,
  header: Record<string, unknown>,
): Record<string, { files: number; bytes: number }> {
  const byReason: Record<string, { files: number; bytes: number }> = {};
  const writer = openAtomic(fsPath(outputAbs));
  try {
    const head = JSON.stringify(header, null, 2);
    writer.write(`${head.slice(0, -2)},\n  "files": [`);
    let first = true;
    forEachLine(fsPath(spoolAbs), (line) => {
      const record = JSON.parse(line) as SpoolRecord;
      const rel = record.r as BytePath;
      const keeper = dupes.keeperOf.get(rel) ?? null;
      const reasons = keeper === null ? record.x : [...record.x, `duplicate of ${displayPath(keeper)}`];
      for (const reason of reasons) {
        const bucket = (byReason[reasonKind(reason)] ??= { files: 0, bytes: 0 });
        bucket.files += 1;
        bucket.bytes += record.s;
      }
      const file: InventoryFile = {
        rel,
        kind: record.k,
        size: record.s,
        mtimeMs: record.m,
        mode: record.o,
        git: record.g,
        hash: dupes.hashes.get(rel) ?? null,
        duplicateOf: keeper,
        linkTarget: record.t === undefined ? null : (record.t as BytePath),
        reasons,
      };
      writer.write(`${first ? '' : ','}\n    ${fileToJson(file)}`);
      first = false;
    });
    writer.write(`${first ? '' : '\n  '}]\n}\n`);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
  return byReason;
}


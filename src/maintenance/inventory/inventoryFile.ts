// The shape of cleanup_inventory.json, and its reading: parse, then check every record, so a
// corrupt or foreign inventory is refused with every problem named (JSON pointer).
import { ConductorError, type Problem } from '../../core/errors.js';
import { fromJsonPath, fsPath, isContainedRelative, toJsonPath, type BytePath } from '../shared/bytePath.js';
import type { GitState } from '../shared/gitState.js';
import { readTextNoFollow } from '../shared/noFollow.js';

export const INVENTORY_VERSION = 1;

/** One file of the inventory, as the tools use it. */
export interface InventoryFile {
  rel: BytePath;
  kind: 'file' | 'symlink';
  size: number;
  mtimeMs: number;
  mode: number;
  git: GitState;
  hash: string | null;
  duplicateOf: BytePath | null;
  linkTarget: BytePath | null;
  reasons: string[];
}

export interface Inventory {
  root: string;
  generatedAt: string;
  files: InventoryFile[];
}

/** One file as JSON (one line of the `files` array). */
export function fileToJson(file: InventoryFile): string {
  const where = toJsonPath(file.rel);
  const dup = file.duplicateOf === null ? null : toJsonPath(file.duplicateOf);
  return JSON.stringify({
    path: where.path,
    path_b64: where.path_b64,
    size: file.size,
    mtime: new Date(file.mtimeMs).toISOString(),
    mode: formatMode(file.mode),
    kind: file.kind,
    git: file.git,
    link_target: file.linkTarget === null ? undefined : toJsonPath(file.linkTarget).path,
    hash: file.hash ?? undefined,
    duplicate_of: dup?.path,
    duplicate_of_b64: dup?.path_b64,
    reasons: file.reasons,
  });
}

/** Permission bits as 4 octal digits, e.g. `0644`. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

const KINDS = new Set(['file', 'symlink']);
const GIT = new Set(['tracked', 'untracked', 'ignored', 'none']);
const MAX_PROBLEMS = 20;

function bad(file: string, message: string, problems: Problem[] = []): ConductorError {
  return new ConductorError('INPUT_INVALID', `Inventory ${file} ${message}`, { problems });
}

/** Reads and checks an inventory; any problem refuses the whole file (exit 1). */
export function readInventory(abs: BytePath, shown: string): Inventory {
  let text: string;
  try {
    text = readTextNoFollow(fsPath(abs));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw bad(shown, code === 'ENOENT' ? 'does not exist; run `symphony-conductor inventory` first' : 'cannot be read', [
      { where: shown, message: (error as Error).message },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(shown, 'is not valid JSON (corrupt or half-written); run `symphony-conductor inventory` again', [
      { where: shown, message: (error as Error).message },
    ]);
  }
  const problems: Problem[] = [];
  const doc = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (doc.version !== INVENTORY_VERSION) problems.push({ where: '/version', message: `expected ${INVENTORY_VERSION}` });
  if (typeof doc.root !== 'string') problems.push({ where: '/root', message: 'expected a string' });
  if (typeof doc.generated_at !== 'string') problems.push({ where: '/generated_at', message: 'expected an ISO time' });
  if (!Array.isArray(doc.files)) problems.push({ where: '/files', message: 'expected an array' });
  const files: InventoryFile[] = [];
  if (Array.isArray(doc.files)) {
    doc.files.forEach((item: unknown, index: number) => {
      if (problems.length >= MAX_PROBLEMS) return;
      const file = parseFile(item, `/files/${index}`, problems);
      if (file) files.push(file);
    });
  }
  if (problems.length > 0) throw bad(shown, 'is not a valid inventory', problems);
  return { root: doc.root as string, generatedAt: doc.generated_at as string, files };
}

function parseFile(item: unknown, where: string, problems: Problem[]): InventoryFile | null {
  if (typeof item !== 'object' || item === null) {
    problems.push({ where, message: 'expected an object' });
    return null;
  }
  const r = item as Record<string, unknown>;
  const before = problems.length;
  const need = (ok: boolean, key: string, message: string): void => {
    if (!ok) problems.push({ where: `${where}/${key}`, message });
  };
  need(typeof r.path === 'string', 'path', 'expected a string');
  need(r.path_b64 === undefined || typeof r.path_b64 === 'string', 'path_b64', 'expected base64 text');
  need(Number.isSafeInteger(r.size) && (r.size as number) >= 0, 'size', 'expected a byte count');
  need(typeof r.mtime === 'string' && !Number.isNaN(Date.parse(r.mtime)), 'mtime', 'expected an ISO time');
  need(typeof r.mode === 'string' && /^[0-7]{3,4}$/.test(r.mode), 'mode', 'expected octal permission bits');
  need(KINDS.has(r.kind as string), 'kind', 'expected file or symlink');
  need(GIT.has(r.git as string), 'git', 'expected tracked, untracked, ignored or none');
  need(r.hash === undefined || typeof r.hash === 'string', 'hash', 'expected a hex string');
  need(r.duplicate_of === undefined || typeof r.duplicate_of === 'string', 'duplicate_of', 'expected a path');
  need(Array.isArray(r.reasons) && r.reasons.every((x) => typeof x === 'string'), 'reasons', 'expected an array of strings');
  if (problems.length > before) return null;
  const rel = fromJsonPath(r.path as string, r.path_b64 as string | undefined);
  if (!isContainedRelative(rel)) {
    problems.push({ where: `${where}/path`, message: 'points outside the root (absolute, empty or with ..)' });
    return null;
  }
  const duplicateOf = typeof r.duplicate_of === 'string' ? fromJsonPath(r.duplicate_of, r.duplicate_of_b64 as string | undefined) : null;
  if (duplicateOf !== null && !isContainedRelative(duplicateOf)) {
    problems.push({ where: `${where}/duplicate_of`, message: 'points outside the root' });
    return null;
  }
  return {
    rel,
    kind: r.kind as 'file' | 'symlink',
    size: r.size as number,
    mtimeMs: Date.parse(r.mtime as string),
    mode: parseInt(r.mode as string, 8),
    git: r.git as GitState,
    hash: (r.hash as string | undefined) ?? null,
    duplicateOf,
    linkTarget: null,
    reasons: r.reasons as string[],
  };
}


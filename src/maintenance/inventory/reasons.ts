// Why a file may be a cleanup candidate: the catalogue of reasons and the name rules behind them.
// Reasons are facts found by the scan; whether a file is acted on is the policy's decision.
import { baseName, type BytePath } from '../shared/bytePath.js';
import type { GitState } from '../shared/gitState.js';

/** Reason kinds, in the order the analysis lists them. A reason string starts with its kind. */
export const REASON_KINDS = [
  'editor file',
  'backup file',
  'temp file',
  'empty file',
  'old log',
  'build leftover',
  'duplicate',
  'large untracked file',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** The kind of a reason string (`duplicate of a/b.txt` -> `duplicate`). */
export function reasonKind(reason: string): ReasonKind | 'other' {
  return REASON_KINDS.find((kind) => reason.startsWith(kind)) ?? 'other';
}

const EDITOR = [/~$/, /^\.#/, /^#.*#$/, /\.sw[op]$/, /^\.DS_Store$/];
const BACKUP = [/\.bak$/i, /\.backup$/i, /\.orig$/, /\.rej$/, /\.old$/, /\.bk$/];
const TEMP = [/\.tmp$/i, /\.temp$/i, /^tmp[._-]/];
const LOG = [/\.log$/, /\.log\.\d+$/, /\.log(?:\.\d+)?\.gz$/];
const BUILD_FILE = [/\.py[co]$/, /\.o$/, /\.obj$/, /\.class$/, /\.tsbuildinfo$/, /^\.eslintcache$/];
const BUILD_DIRS = new Set(['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache']);
/** Empty files that mean something by existing. */
const EMPTY_OK = new Set(['__init__.py', '.gitkeep', '.keep', 'py.typed', '.nojekyll', '.npmignore', '.gitignore']);

export interface ReasonSettings {
  /** Logs older than this (ms) are candidates. */
  logAgeMs: number;
  /** Untracked files at least this big (bytes) are candidates. */
  largeBytes: number;
}

export interface FileFacts {
  rel: BytePath;
  kind: 'file' | 'symlink';
  size: number;
  mtimeMs: number;
  git: GitState;
}

/** Every reason a file may go, except duplicates (which need the whole tree's hashes). */
export function reasonsFor(file: FileFacts, settings: ReasonSettings, nowMs: number): string[] {
  const name = baseName(file.rel);
  const reasons: string[] = [];
  if (EDITOR.some((re) => re.test(name))) reasons.push('editor file');
  if (BACKUP.some((re) => re.test(name))) reasons.push('backup file');
  if (TEMP.some((re) => re.test(name))) reasons.push('temp file');
  if (file.kind === 'file' && file.size === 0 && !EMPTY_OK.has(name)) reasons.push('empty file');
  const ageMs = nowMs - file.mtimeMs;
  if (LOG.some((re) => re.test(name)) && ageMs > settings.logAgeMs) {
    reasons.push(`old log (${Math.floor(ageMs / 86_400_000)} days)`);
  }
  if (BUILD_FILE.some((re) => re.test(name)) || file.rel.split('/').slice(0, -1).some((part) => BUILD_DIRS.has(part))) {
    reasons.push('build leftover');
  }
  if (file.kind === 'file' && file.size >= settings.largeBytes && mayBeDuplicate(file.git)) {
    reasons.push('large untracked file');
  }
  return reasons;
}

/**
 * Which files may be called a duplicate of another: untracked ones (and any file when the root
 * is not in git). Ignored files are usually generated or installed, where copies are normal.
 */
export function mayBeDuplicate(git: GitState): boolean {
  return git === 'untracked' || git === 'none';
}

// The git state of every path under the root, from two `git ls-files` calls per scan (never one
// per file). A root outside any work tree gets `none` for every path.
import { spawnSync } from 'node:child_process';
import { ConductorError, EXIT } from '../../core/errors.js';
import { bytesOf, fsPath, type BytePath } from './bytePath.js';

export type GitState = 'tracked' | 'untracked' | 'ignored' | 'none';

export interface GitIndex {
  repository: boolean;
  /** Why git could not be asked, when it could not. */
  note: string | null;
  stateOf(rel: BytePath): GitState;
}

const MAX_OUTPUT = 1 << 30;

function lsFiles(root: BytePath, args: string[]): BytePath[] {
  const result = spawnSync('git', ['-c', 'core.quotepath=off', 'ls-files', '-z', ...args], {
    cwd: fsPath(root).toString('utf8'),
    maxBuffer: MAX_OUTPUT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(result.stderr.toString('utf8').trim() || `git exited with ${result.status}`);
  const out = result.stdout;
  const paths: BytePath[] = [];
  let start = 0;
  for (let index = out.indexOf(0, start); index >= 0; index = out.indexOf(0, start)) {
    if (index > start) paths.push(bytesOf(out.subarray(start, index)));
    start = index + 1;
  }
  return paths;
}

function insideWorkTree(root: BytePath): { inside: boolean; note: string | null } {
  const result = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], {
    cwd: fsPath(root).toString('utf8'),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.error) return { inside: false, note: `git is not available: ${result.error.message}` };
  if (result.status !== 0) {
    const message = result.stderr.trim();
    return { inside: false, note: /not a git repository/i.test(message) ? null : message };
  }
  return { inside: result.stdout.trim() === 'true', note: null };
}

/** Reads the tracked and ignored paths of the root's work tree (if it is in one). */
export function readGitIndex(root: BytePath): GitIndex {
  const probe = insideWorkTree(root);
  if (!probe.inside) return { repository: false, note: probe.note, stateOf: () => 'none' };
  let tracked: Set<string>;
  let ignoredFiles: Set<string>;
  const ignoredDirs = new Set<string>();
  try {
    tracked = new Set(lsFiles(root, ['--cached']));
    ignoredFiles = new Set();
    for (const entry of lsFiles(root, ['--others', '--ignored', '--exclude-standard', '--directory'])) {
      if (entry.endsWith('/')) ignoredDirs.add(entry.slice(0, -1));
      else ignoredFiles.add(entry);
    }
  } catch (error) {
    return { repository: false, note: `git ls-files failed: ${(error as Error).message}`, stateOf: () => 'none' };
  }
  return {
    repository: true,
    note: null,
    stateOf(rel) {
      if (tracked.has(rel)) return 'tracked';
      if (ignoredFiles.has(rel)) return 'ignored';
      if (ignoredDirs.size > 0) {
        for (let slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', slash + 1)) {
          if (ignoredDirs.has(rel.slice(0, slash))) return 'ignored';
        }
      }
      return 'untracked';
    },
  };
}

/**
 * Only the tracked set, re-read at execution time (the inventory may be stale): null when the
 * root is in no work tree; throws when it is in one but git cannot answer (refuse, don't guess).
 */
export function readTrackedSet(root: BytePath): Set<string> | null {
  if (!insideWorkTree(root).inside) return null;
  return new Set(lsFiles(root, ['--cached']));
}

/** The tracked set for an execution; git failing in a work tree stops the run (exit 8). */
export function trackedForExecution(root: BytePath): Set<string> | null {
  try {
    return readTrackedSet(root);
  } catch (error) {
    throw new ConductorError('INTERNAL', 'git cannot list the tracked files now; nothing was moved', {
      problems: [{ where: 'git ls-files', message: (error as Error).message }],
      exitCode: EXIT.taskFailed,
      cause: error,
    });
  }
}

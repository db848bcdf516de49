// The target root of the maintenance tools and the state files they keep inside it. Every path
// the tools touch is relative to this root; the root itself is resolved once (realpath).
import fs from 'node:fs';
import path from 'node:path';
import { ConductorError } from '../../core/errors.js';
import { checkParents } from './checkParents.js';
import { bytesOf, fromText, fsPath, isContainedRelative, joinPath, type BytePath } from './bytePath.js';

/** State files relative to the root (documented in docs/maintenance.md). */
export const STATE = {
  inventory: 'cleanup_inventory.json' as BytePath,
  actionsLog: 'cleanup_actions.log' as BytePath,
  registry: '.cleanup_registry.json' as BytePath,
  quarantine: '.quarantine' as BytePath,
  protectFile: '.cleanup_protect' as BytePath,
  lock: '.cleanup.lock' as BytePath,
};

export interface MaintenanceRoot {
  /** Real path of the root, as bytes. */
  root: BytePath;
  /** Real path of the root, for messages and JSON. */
  rootText: string;
}

/** The root named by `--root` (default the home): an existing directory, symlinks resolved. */
export function resolveRoot(dir: string): MaintenanceRoot {
  let real: Buffer;
  try {
    real = fs.realpathSync(Buffer.from(path.resolve(dir), 'utf8'), { encoding: 'buffer' });
  } catch (error) {
    throw new ConductorError('USAGE', `Root ${dir} does not exist or cannot be read`, {
      problems: [{ where: '--root', message: (error as Error).message }],
      cause: error,
    });
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new ConductorError('USAGE', `Root ${dir} is not a directory`, { problems: [{ where: '--root', message: 'not a directory' }] });
  }
  return { root: bytesOf(real), rootText: real.toString('utf8') };
}

/** The absolute path of a root-relative path. */
export function absolute(root: MaintenanceRoot, rel: BytePath): BytePath {
  return rel.length === 0 ? root.root : joinPath(root.root, rel);
}

/** The absolute path, ready for node:fs. */
export function fsAbsolute(root: MaintenanceRoot, rel: BytePath): Buffer {
  return fsPath(absolute(root, rel));
}

/**
 * A user-given path (relative to the cwd, or absolute) as a path relative to the root, or null
 * when it is not lexically inside the root. The root may be given through a symlink; both
 * spellings are accepted.
 */
export function relativeToRoot(root: MaintenanceRoot, userPath: string, spelledRoot?: string): BytePath | null {
  const abs = fromText(path.resolve(userPath));
  const roots = [root.root, ...(spelledRoot ? [fromText(path.resolve(spelledRoot))] : [])];
  for (const base of roots) {
    if (abs.startsWith(`${base}/`)) {
      const rel = abs.slice(base.length + 1).replace(/\/+$/, '') as BytePath;
      if (isContainedRelative(rel)) return rel;
    }
  }
  return null;
}

/** A state file path given by a flag (e.g. `--inventory`), which must lie inside the root. */
export function stateFile(root: MaintenanceRoot, flag: string, value: string | undefined, fallback: BytePath, spelledRoot?: string): BytePath {
  if (value === undefined) return fallback;
  const rel = relativeToRoot(root, value, spelledRoot);
  if (rel === null) {
    throw new ConductorError('USAGE', `${flag} must name a file inside the root ${root.rootText}`, {
      problems: [{ where: flag, message: `${value} is outside the root` }],
    });
  }
  const parents = checkParents(root, rel);
  if (!parents.ok) {
    throw new ConductorError('USAGE', `${flag} ${value} cannot be used`, { problems: [{ where: flag, message: parents.detail }] });
  }
  return rel;
}

/**
 * The tools' own state: the quarantine, the actions log, the registry, the inventory (and the
 * temp files next to them). Never walked, never listed, never a candidate, whatever the flags.
 */
export function isStatePath(rel: BytePath, extra: BytePath[] = []): boolean {
  if (rel === STATE.quarantine || rel.startsWith(`${STATE.quarantine}/`) || rel === STATE.actionsLog || rel === STATE.lock) return true;
  for (const file of [STATE.registry, STATE.inventory, ...extra]) {
    if (rel === file || rel.startsWith(`${file}.`)) return true;
  }
  return false;
}

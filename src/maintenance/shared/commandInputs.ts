// Turns the flag values every maintenance command shares (the root, --max-deletions) into
// checked options, so the command files stay thin and every flag error reads the same (exit 1).
import fs from 'node:fs';
import path from 'node:path';
import { ConductorError } from '../../core/errors.js';
import { resolveRoot, type MaintenanceRoot } from './maintenanceRoot.js';

export interface RootFlags {
  root?: string;
  home: string;
}

export interface RootInput {
  root: MaintenanceRoot;
  /** The root as the user spelled it (may go through a symlink). */
  spelled: string;
  /** Protected patterns for the conductor's own state inside the root (ownState). */
  own: string[];
}

export function rootFrom(flags: RootFlags): RootInput {
  const spelled = flags.root ?? flags.home;
  const root = resolveRoot(spelled);
  return { root, spelled, own: ownState(root.rootText, flags.home) };
}

/** What of a conductor home is its own state (from the home): the history, health files and watch state; the task logs; its own log. */
const HOME_STATE = [
  { path: 'status', folder: true },
  { path: 'logs/automation', folder: true },
  { path: 'logs/symphony_conductor.log*', folder: false },
];

/**
 * Patterns that keep the home's own files out of the tools' reach when the root holds them (the
 * shipped cleanup task runs on the home): a health file is not a duplicate of another task's that
 * holds the same line, and a task's log is not an old log because the task has not run for a
 * month (rotation bounds the logs already). Everything, when the root is inside one of them.
 */
export function ownState(rootReal: string, home: string): string[] {
  let homeReal: string;
  try {
    homeReal = fs.realpathSync(path.resolve(home));
  } catch {
    return [];
  }
  const inside = (rel: string) => rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const patterns: string[] = [];
  for (const state of HOME_STATE) {
    const where = path.join(homeReal, state.path);
    const fromRoot = path.relative(rootReal, where);
    if (inside(fromRoot)) patterns.push(`/${fromRoot.split(path.sep).join('/')}${state.folder ? '/' : ''}`);
    else if (state.folder && (fromRoot === '' || inside(path.relative(where, rootReal)))) return ['**'];
  }
  return patterns;
}

/** A whole number of files, at least 1. */
export function maxDeletionsFrom(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConductorError('USAGE', `Bad --max-deletions: ${String(value)}`, {
      problems: [{ where: '--max-deletions', message: 'expected a whole number of files, at least 1' }],
    });
  }
  return value;
}

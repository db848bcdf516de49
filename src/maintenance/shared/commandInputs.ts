// Turns the flag values every maintenance command shares (the root, --max-deletions) into
// checked options, so the command files stay thin and every flag error reads the same (exit 1).
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
}

export function rootFrom(flags: RootFlags): RootInput {
  const spelled = flags.root ?? flags.home;
  return { root: resolveRoot(spelled), spelled };
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

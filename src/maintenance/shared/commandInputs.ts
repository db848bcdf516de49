// Turns the maintenance commands' flag values into checked options, so the command files stay
// thin and every flag error reads the same (usage error, exit 1).
import { ConductorError } from '../../core/errors.js';
import type { BytePath } from './bytePath.js';
import { parseDuration } from './duration.js';
import { resolveRoot, STATE, stateFile, type MaintenanceRoot } from './maintenanceRoot.js';
import { protectRules } from './protectPatterns.js';
import type { CandidatePolicy } from '../cleanup/selectCandidates.js';

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

export function inventoryFrom(input: RootInput, value: string | undefined): BytePath {
  return stateFile(input.root, '--inventory', value, STATE.inventory, input.spelled);
}

export function policyFrom(
  input: RootInput,
  flags: { protect?: string[]; includeTracked?: boolean; minAge?: string },
  stateFiles: BytePath[],
): CandidatePolicy {
  return {
    rules: protectRules(input.root, flags.protect ?? []),
    includeTracked: flags.includeTracked === true,
    minAgeMs: parseDuration(flags.minAge ?? '1h', '--min-age'),
    stateFiles,
  };
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

/** `--in 7d` (from now) or `--at ISO`; exactly one. */
export function expiryFrom(flags: { in?: string; at?: string }, now: Date): Date {
  if ((flags.in === undefined) === (flags.at === undefined)) {
    throw new ConductorError('USAGE', 'Give exactly one of --in DURATION or --at TIME');
  }
  if (flags.in !== undefined) return new Date(now.getTime() + parseDuration(flags.in, '--in'));
  const at = new Date(flags.at as string);
  if (Number.isNaN(at.getTime())) {
    throw new ConductorError('USAGE', `Bad --at: "${flags.at}"`, { problems: [{ where: '--at', message: 'expected an ISO 8601 time, e.g. 2025-07-01T04:00:00Z' }] });
  }
  return at;
}

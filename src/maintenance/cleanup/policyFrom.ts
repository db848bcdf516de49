// The cleanup policy from the flags of `cleanup analyze|execute` (protected patterns,
// --include-tracked, --min-age); a bad value is a usage error naming its flag.
import type { BytePath } from '../shared/bytePath.js';
import type { RootInput } from '../shared/commandInputs.js';
import { parseDuration } from '../../core/format/duration.js';
import { protectRules } from '../shared/protectPatterns.js';
import type { CandidatePolicy } from './selectCandidates.js';

export function policyFrom(
  input: RootInput,
  flags: { protect?: string[]; includeTracked?: boolean; minAge?: string },
  stateFiles: BytePath[],
): CandidatePolicy {
  return {
    rules: protectRules(input.root, [...input.own, ...(flags.protect ?? [])]),
    includeTracked: flags.includeTracked === true,
    minAgeMs: parseDuration(flags.minAge ?? '1h', { flag: '--min-age', allowZero: true }),
    stateFiles,
  };
}

// When a registered file expires, from `expire add --in 7d` (from now) or `--at ISO`.
import { ConductorError } from '../../core/errors.js';
import { parseDuration } from '../../core/format/duration.js';

/** Exactly one of `--in` and `--at`; a usage error (exit 1) otherwise. */
export function expiryFrom(flags: { in?: string; at?: string }, now: Date): Date {
  if ((flags.in === undefined) === (flags.at === undefined)) {
    throw new ConductorError('USAGE', 'Give exactly one of --in DURATION or --at TIME');
  }
  if (flags.in !== undefined) return new Date(now.getTime() + parseDuration(flags.in, { flag: '--in', allowZero: true }));
  const at = new Date(flags.at as string);
  if (Number.isNaN(at.getTime())) {
    throw new ConductorError('USAGE', `Bad --at: "${flags.at}"`, { problems: [{ where: '--at', message: 'expected an ISO 8601 time, e.g. 2025-07-01T04:00:00Z' }] });
  }
  return at;
}

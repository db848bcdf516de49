// The window `simulate` covers: --from (default now), then --days (default 7) or --until.
import { ConductorError } from '../../core/errors.js';
import { parseInstant, resolveTimezone } from '../../core/schedule/cron.js';
import type { Config } from '../../core/types.js';

const DAY_MS = 86_400_000;

export function resolveWindow(config: Config, flags: { from?: string; days?: number; until?: string; now: number }): { from: number; until: number } {
  const zone = resolveTimezone(null, config.settings.timezone);
  const read = (flag: string, text: string) => {
    const at = parseInstant(text, zone);
    if (at === null) throw new ConductorError('USAGE', `${flag}: "${text}" is not an ISO 8601 time (e.g. 2025-06-02T10:00:00Z)`);
    return at;
  };
  const from = flags.from === undefined ? flags.now : read('--from', flags.from);
  const until = flags.until === undefined ? from + (flags.days ?? 7) * DAY_MS : read('--until', flags.until);
  if (until <= from) throw new ConductorError('USAGE', `--until must be after the start of the window (${new Date(from).toISOString()})`);
  if (until - from > 3660 * DAY_MS) throw new ConductorError('USAGE', '--until: the window is at most 3660 days');
  return { from, until };
}

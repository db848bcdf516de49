// Periods as operators type them for `report --since`, `health-check --temp-age` and
// `git-maintenance --timeout`: `30m`, `24h`, `7d`, `2w`, or a sum such as `1d12h`.
import { ConductorError } from '../../core/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Longer than any history or lock we would look at; keeps `now - period` a valid instant. */
const MAX_MS = 100 * 365 * 86_400_000;

/** Milliseconds in `text`; a usage error (exit 1) naming `flag` when it is not a positive period. */
export function parsePeriod(text: string, flag: string): number {
  const trimmed = text.trim().toLowerCase();
  if (!/^(?:\d{1,9}[smhdw])+$/.test(trimmed)) throw badPeriod(text, flag, 'expected a number and a unit, e.g. 30m, 24h, 7d, 2w or 1d12h (units s m h d w)');
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  if (total <= 0) throw badPeriod(text, flag, 'the period must be longer than zero');
  if (total > MAX_MS) throw badPeriod(text, flag, 'the period must be at most 100 years');
  return total;
}

function badPeriod(text: string, flag: string, message: string): ConductorError {
  return new ConductorError('USAGE', `Bad ${flag}: "${text}"`, { problems: [{ where: flag, message }] });
}

/** A period back in the units it was most likely typed in: `7d`, `2w`, `24h` stays `1d`, `90m`. */
export function formatPeriod(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

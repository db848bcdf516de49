// Durations as operators type them (`30m`, `12h`, `7d`, `2w`, `1d12h`), parsed by one rule for
// every flag (--in, --min-age, --older-than, --purge-after, --since, --temp-age, --timeout ...),
// and written back for people. Pure.
import { ConductorError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Longer than any history, lock or age we look at; keeps `now - duration` a valid instant. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

export interface DurationRule {
  /** The option the text came from, named in the error (`--since`). */
  flag?: string;
  /** Whether `0s` means something for this flag (e.g. `--min-age 0s`: any age); refused otherwise. */
  allowZero?: boolean;
  /** The longest accepted, in ms (default 100 years). */
  max?: number;
}

/** Milliseconds in `text`; a usage error (exit 1) naming the flag when it does not follow the rule. */
export function parseDuration(text: string, rule: DurationRule = {}): number {
  const flag = rule.flag ?? 'duration';
  const max = rule.max ?? MAX_DURATION_MS;
  const trimmed = text.trim().toLowerCase();
  if (!/^(?:\d{1,12}[smhdw])+$/.test(trimmed)) {
    throw badDuration(text, flag, 'expected a number and a unit, e.g. 30m, 12h, 7d, 2w or 1d12h (units s m h d w)');
  }
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhdw])/g)) total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  if (total === 0 && rule.allowZero !== true) throw badDuration(text, flag, 'must be longer than zero');
  if (total > max) throw badDuration(text, flag, `must be at most ${formatPeriod(max)}`);
  return total;
}

function badDuration(text: string, flag: string, message: string): ConductorError {
  return new ConductorError('USAGE', `Bad ${flag}: "${text}"`, { problems: [{ where: flag, message }] });
}

/** A duration for people: `850ms`, `1.5s`, then the two largest whole units (`1m 30s`, `2d 3h`); `-` for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1_000);
  for (const [unit, seconds] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / seconds);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * seconds;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** A duration back in the flag syntax it was most likely typed in: `7d`, `2w`, `36h`, `90m`. */
export function formatPeriod(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

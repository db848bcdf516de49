// Durations as operators type them (`7d`, `12h`, `30m`, `2w`, `1d12h`), parsed in one place so
// `--in`, `--older-than`, `--log-age` and `--min-age` all mean the same thing.
import { ConductorError } from '../../core/errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds in a duration string; `flag` names the option in the error message. */
export function parseDuration(text: string, flag = 'duration'): number {
  const trimmed = text.trim().toLowerCase();
  const whole = /^(?:\d+[smhdw])+$/;
  if (!whole.test(trimmed)) {
    throw new ConductorError('USAGE', `Bad ${flag}: "${text}"`, {
      problems: [{ where: flag, message: 'expected a number and a unit, e.g. 30m, 12h, 7d, 2w or 1d12h (units s m h d w)' }],
    });
  }
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 0);
  }
  if (!Number.isSafeInteger(total)) {
    throw new ConductorError('USAGE', `Bad ${flag}: "${text}" is too long`);
  }
  return total;
}

/** A duration for people: the largest whole units, e.g. `2d 3h`. */
export function formatDuration(ms: number): string {
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

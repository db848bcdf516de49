// An instant typed by an operator (`next --from`): ISO 8601 date, or date and time, with
// "T" or a space between. With Z or an offset it is that instant; without one it is a wall
// time in the task's zone (see wallTimeToMs for the skipped and repeated hours).
import { wallTimeToMs } from './wallTimeToMs.js';

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** `text` as ms since the epoch, or null when it is not an ISO 8601 date-time or names no real date. */
export function parseInstant(text: string, zone: string): number | null {
  const match = ISO_INSTANT.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = utcFields(year, month, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  if (offset === undefined) return wallTimeToMs(zone, wall);
  const offsetMs = readOffset(offset);
  return offsetMs === null ? null : wall - offsetMs;
}

function readOffset(text: string): number | null {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return null;
  const size = (hours * 60 + minutes) * 60_000;
  return text.startsWith('-') ? -size : size;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

/** Date.UTC without its 0-99 -> 1900-1999 year mapping; the fields are valid (checked above). */
function utcFields(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(date.getUTCFullYear() - 2000 + year);
  return date.getTime();
}

// An instant as the operator reads it in a task's zone: ISO 8601 with the offset in force
// at that instant, to the second ("2025-03-09T03:00:00-04:00"; UTC is "+00:00", not "Z").
import { zoneOffsetMs } from './zoneOffsets.js';

/** `ms` as local ISO 8601 time in `zone` with its offset, seconds precision (ms are dropped). */
export function formatInZone(ms: number, zone: string): string {
  const second = Math.floor(ms / 1000) * 1000;
  const offset = zoneOffsetMs(zone, second);
  const local = new Date(second + offset);
  const date = `${year(local.getUTCFullYear())}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
  return `${date}T${time}${formatOffset(offset)}`;
}

/** ±HH:MM, with :SS only for the odd historical offset that has seconds (local mean time). */
function formatOffset(offsetMs: number): string {
  const total = Math.abs(Math.round(offsetMs / 1000));
  const seconds = total % 60;
  const text = `${offsetMs < 0 ? '-' : '+'}${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}`;
  return seconds === 0 ? text : `${text}:${two(seconds)}`;
}

/** Four digits, or ISO 8601's expanded ±YYYYYY outside 0000-9999. */
function year(value: number): string {
  if (value >= 0 && value <= 9999) return String(value).padStart(4, '0');
  return `${value < 0 ? '-' : '+'}${String(Math.abs(value)).padStart(6, '0')}`;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

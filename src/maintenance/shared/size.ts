// Byte sizes as operators type them (`10M`, `512K`, `1G`, `1500`), and back for display.
import { ConductorError } from '../../core/errors.js';

const UNIT: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes in a size string; binary units (K = 1024), an optional trailing `B` or `iB`. */
export function parseSize(text: string, flag = 'size'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const unit = UNIT[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new ConductorError('USAGE', `Bad ${flag}: "${text}"`, {
      problems: [{ where: flag, message: 'expected bytes or a number with K, M, G or T, e.g. 10M' }],
    });
  }
  return Math.round(Number(match[1]) * unit);
}

/** `12.3 MiB`-style sizes for text output. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return `${value.toFixed(1)} ${units[index]}`;
}

/** 1.5 GiB, 300 MiB, 12 KiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

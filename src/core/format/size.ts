// Byte sizes as operators type them (`10M`, `512K`, `1G`, `1500`), and back for people
// (`12.3 MiB`): one parser and one formatter for every command. Pure.
import { ConductorError } from '../errors.js';

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

/** `512 B`, `2.0 KiB`, `12.3 MiB`, `1.5 GiB` ... up to PiB. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

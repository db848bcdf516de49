// Config bytes to text, refusing anything that is not UTF-8. Decoding leniently would turn a
// stray Latin-1 byte into U+FFFD, so validate would pass and the command would run different
// bytes from those in the file; instead the first bad byte is named with its line and column.
import type { Problem } from '../errors.js';
import { lineAndColumn } from './parseJson.js';

export type DecodeResult = { ok: true; text: string } | { ok: false; problem: Problem };

/** Decodes UTF-8 (a byte-order mark is dropped); on failure, says `file:line:col` of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): DecodeResult {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const { line, column } = lineAndColumn(before, before.length);
    const byte = (bytes[offset] as number).toString(16).toUpperCase().padStart(2, '0');
    return {
      ok: false,
      problem: {
        where: `${file}:${line}:${column}`,
        message: `not valid UTF-8 (byte 0x${byte}); save the config as UTF-8`,
      },
    };
  }
}

/** Where the first ill-formed sequence starts (Unicode table 3-7), or bytes.length if none. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, low, high] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
      : b === 0xe0 ? [3, 0xa0, 0xbf]
      : b === 0xed ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
      : b === 0xf0 ? [4, 0x90, 0xbf]
      : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
      : b === 0xf4 ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

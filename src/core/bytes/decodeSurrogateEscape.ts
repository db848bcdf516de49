// Bytes (a file name) to a string that keeps every byte: surrogateescape (PEP 383), the other
// half of surrogateEscape.ts.
import { firstInvalidUtf8 } from '../config/decodeUtf8.js';

// ignoreBOM: a name that starts with the bytes of a byte-order mark keeps them.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes to a string that `encodeSurrogateEscape` turns back into the same bytes. */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  let out = '';
  let rest = bytes;
  while (rest.length > 0) {
    const bad = firstInvalidUtf8(rest);
    out += strict.decode(rest.subarray(0, bad));
    if (bad >= rest.length) break;
    out += String.fromCharCode(0xdc00 + (rest[bad] as number));
    rest = rest.subarray(bad + 1);
  }
  return out;
}

// File names on Linux are bytes, not text; environment values too. A name that is not UTF-8 has
// to cross JavaScript strings (the run's payload, its env, JSON) without losing a byte. This is
// Python's `surrogateescape` (PEP 383): valid UTF-8 decodes as usual, and each byte that does not
// decode becomes the lone surrogate U+DC80..U+DCFF, which no valid text contains, so encoding
// gives back exactly the original bytes (decodeSurrogateEscape.ts decodes). JSON.stringify
// writes lone surrogates as `\udcXX` escapes, which JSON.parse reads back unchanged. No imports:
// the spawn helper's adapter uses this on its own.

/** True when the string holds an escaped byte (it came from bytes that are not UTF-8). */
export function hasEscapedBytes(text: string): boolean {
  return /[\udc80-\udcff]/.test(text) && lone(text);
}

/** The bytes a string stands for: UTF-8, except that each lone U+DC80..U+DCFF is the byte 0x80..0xFF. */
export function encodeSurrogateEscape(text: string): Buffer {
  if (!hasEscapedBytes(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++; // a pair: ordinary text
      continue;
    }
    if (code < 0xdc80 || code > 0xdcff) continue;
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.of(code - 0xdc00));
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Some U+DC80..U+DCFF in the text is not the second half of a surrogate pair. */
function lone(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    } else if (code >= 0xdc80 && code <= 0xdcff) return true;
  }
  return false;
}

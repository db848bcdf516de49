// Keys given twice in one object of valid JSON text. JSON.parse keeps the last silently, so a
// config with a second "tasks" array (or a task with two "command"s) loses the first without a
// word; validate and start say so. Only called on text JSON.parse has accepted.
import { lineAndColumn } from './parseJson.js';

export interface DuplicateKey {
  /** The JSON pointer of the key (as the value that counts is reached). */
  pointer: string;
  /** Where it is given again (1-based). */
  line: number;
  column: number;
  /** Where it was given first. */
  firstLine: number;
}

/** Every key given again in its object, in text order. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // One frame per open container: an object's keys seen (key -> offset), or an array's index.
  const frames: Array<{ keys: Map<string, number> | null; index: number; name: string }> = [];
  let pendingKey: string | null = null;
  let i = 0;
  const pointerOf = (key: string) => [...frames.slice(1).map((f) => f.name), key].map(escapePointer).join('/');
  const nameOfValue = (): string => {
    const top = frames[frames.length - 1];
    if (!top) return '';
    if (top.keys) return pendingKey ?? '';
    return String(top.index);
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      i = endOfString(text, i);
      const top = frames[frames.length - 1];
      // A string in an object where a key is expected (followed by ':') is a key.
      let j = i;
      while (j < text.length && isSpace(text.charCodeAt(j))) j++;
      if (top?.keys && text.charCodeAt(j) === 0x3a) {
        const key = JSON.parse(text.slice(start, i)) as string;
        const first = top.keys.get(key);
        if (first !== undefined) {
          const at = lineAndColumn(text, start);
          found.push({ pointer: `/${pointerOf(key)}`, line: at.line, column: at.column, firstLine: lineAndColumn(text, first).line });
        } else top.keys.set(key, start);
        pendingKey = key;
        i = j + 1;
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      frames.push({ keys: c === 0x7b ? new Map() : null, index: 0, name: nameOfValue() });
      pendingKey = null;
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
    } else if (c === 0x2c) {
      const top = frames[frames.length - 1];
      if (top && !top.keys) top.index++;
    }
    i++;
  }
  return found;
}

/** The offset just past the string that starts (with its quote) at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

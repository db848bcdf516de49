// A file name on Linux is bytes, not text. Inside the maintenance tools a path is a "byte
// string": one JS char per byte (latin1), so every byte of a name (0xff, a newline) survives
// scan -> inventory -> move -> restore. Text appears only at the edges (JSON, logs, argv).
import { Buffer, isUtf8 } from 'node:buffer';

export type BytePath = string & { readonly __bytePath: true };

/** The bytes of a name as read from the file system. */
export function bytesOf(buffer: Buffer): BytePath {
  return buffer.toString('latin1') as BytePath;
}

/** A path typed by a user (argv, JSON text), encoded as the UTF-8 bytes the kernel will see. */
export function fromText(text: string): BytePath {
  return Buffer.from(text, 'utf8').toString('latin1') as BytePath;
}

/** The argument to give node:fs: a Buffer, so nothing is re-encoded. */
export function fsPath(path: BytePath): Buffer {
  return Buffer.from(path, 'latin1');
}

/** Joins relative byte paths with `/`; empty parts are dropped. */
export function joinPath(...parts: string[]): BytePath {
  // A part that already ends in '/' (the root '/') takes no second one: '/x', not '//x'.
  let joined = '';
  for (const part of parts) {
    if (part.length === 0) continue;
    joined = joined === '' ? part : joined.endsWith('/') ? joined + part : `${joined}/${part}`;
  }
  return joined as BytePath;
}

export function parentOf(path: BytePath): BytePath {
  const slash = path.lastIndexOf('/');
  return (slash < 0 ? '' : path.slice(0, slash)) as BytePath;
}

export function baseName(path: BytePath): BytePath {
  return path.slice(path.lastIndexOf('/') + 1) as BytePath;
}

/** Printable ASCII: the same as bytes, as UTF-8 and as text (the common case, kept fast). */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** The path as readable text: UTF-8 when it is valid UTF-8, else `\xNN` for each byte above 0x7f. */
export function displayPath(path: BytePath): string {
  if (PLAIN_ASCII.test(path)) return path;
  const buffer = fsPath(path);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  let text = '';
  for (const byte of buffer) text += byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return text;
}

/**
 * For text output: as is when it is plain UTF-8, else in shell `$'...'` quoting (`\n`, `\xff`),
 * which is unambiguous and can be pasted into bash.
 */
export function quotePath(path: BytePath): string {
  const buffer = fsPath(path);
  const shown = buffer.toString('utf8');
  if (isUtf8(buffer) && !/[\u0000-\u001f\u007f]/.test(shown)) return shown;
  let out = "$'";
  for (const byte of buffer) {
    if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x5c || byte === 0x27) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}'`;
}

/** How a path is written in JSON: `path` for people; `path_b64` (exact bytes) when it is not UTF-8. */
export interface JsonPath {
  path: string;
  path_b64?: string;
}

export function toJsonPath(path: BytePath): JsonPath {
  if (PLAIN_ASCII.test(path)) return { path };
  const buffer = fsPath(path);
  return isUtf8(buffer) ? { path: buffer.toString('utf8') } : { path: displayPath(path), path_b64: buffer.toString('base64') };
}

/** The exact bytes of a JSON path: `path_b64` wins when present. */
export function fromJsonPath(path: string, pathB64: string | undefined): BytePath {
  return pathB64 === undefined ? fromText(path) : bytesOf(Buffer.from(pathB64, 'base64'));
}

/** A relative path that stays inside its root: no absolute path, no `.`/`..`/empty components. */
export function isContainedRelative(path: BytePath): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** A JSON path (`path`, `path_b64`) quoted for text output, from its exact bytes. */
export function quoteJsonPath(item: JsonPath): string {
  return quotePath(fromJsonPath(item.path, item.path_b64));
}

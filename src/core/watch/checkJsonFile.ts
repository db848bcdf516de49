// A watched file with `json` (or `json_schema`) is checked before its run: not UTF-8, not JSON,
// or not what the schema says fails the file without running the command, with a reason that
// says where (line and column, or the JSON pointer of the value the schema refuses).
import { findJsonError } from '../config/findJsonError.js';
import { firstInvalidUtf8 } from '../config/decodeUtf8.js';
import { lineAndColumn } from '../config/parseJson.js';

/** One thing the schema refuses, at a JSON pointer (`/` is the whole document). */
export interface SchemaMismatch {
  pointer: string;
  message: string;
}

/** A compiled schema: the mismatches of a value, empty when it matches. */
export type SchemaCheck = (value: unknown) => SchemaMismatch[];

export type JsonCheck = { ok: true; value: unknown } | { ok: false; reason: string };

const SHOWN_MISMATCHES = 5;

export function checkJsonFile(bytes: Uint8Array, schema: SchemaCheck | null): JsonCheck {
  const bad = firstInvalidUtf8(bytes);
  if (bad < bytes.length) {
    const { line, column } = lineAndColumn(new TextDecoder().decode(bytes.subarray(0, bad)), Infinity);
    return { ok: false, reason: `not JSON: at line ${line}, column ${column}: not UTF-8 (byte 0x${(bytes[bad] as number).toString(16).toUpperCase().padStart(2, '0')})` };
  }
  const decoded = new TextDecoder().decode(bytes);
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (text.trim() === '') return { ok: false, reason: 'not JSON: the file is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const found = findJsonError(text) ?? { offset: text.length, message: error instanceof Error ? error.message : String(error) };
    const { line, column } = lineAndColumn(text, found.offset);
    return { ok: false, reason: `not JSON: at line ${line}, column ${column}: ${found.message}` };
  }
  if (!schema) return { ok: true, value };
  const mismatches = schema(value);
  if (mismatches.length === 0) return { ok: true, value };
  const shown = mismatches.slice(0, SHOWN_MISMATCHES).map((m) => `${m.pointer}: ${m.message}`);
  const more = mismatches.length > SHOWN_MISMATCHES ? `; and ${mismatches.length - SHOWN_MISMATCHES} more` : '';
  return { ok: false, reason: `does not match the JSON Schema: ${shown.join('; ')}${more}` };
}

// Turns config text into a value, or a problem that names the file, line and column.
import type { Problem } from '../errors.js';
import { findJsonError } from './findJsonError.js';

export type ParseResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

/** Parses JSON; errors say `file:line:col`. A UTF-8 byte-order mark is allowed. */
export function parseJson(text: string, file: string): ParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    return { ok: false, problem: { where: file, message: 'the file is empty (expected a JSON object with "tasks")' } };
  }
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const found = findJsonError(body) ?? {
      offset: body.length,
      message: error instanceof Error ? error.message : String(error),
    };
    const { line, column } = lineAndColumn(body, found.offset);
    return { ok: false, problem: { where: `${file}:${line}:${column}`, message: `invalid JSON: ${found.message}` } };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    // \n, \r\n, and a lone \r (old Mac files) each end a line, as editors count them.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

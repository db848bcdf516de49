// A cron expression read into the pattern croner is given, or the reason it cannot be one.
// Field count and nicknames are decided here, field values by checkCronField; both
// checkCron and compileSchedule start from this, so they refuse the same expressions.
import { checkCronField } from './checkCronField.js';
import { FIVE_FIELDS, NICKNAMES, SIX_FIELDS } from './cronFields.js';

export type ReadCron = { readonly pattern: string } | { readonly problem: string };

const FIELD_COUNT_HINT = 'use 5, or 6 with seconds first';

// Configs repeat expressions, and validating a config then compiling its schedules reads each
// twice: every expression is read once per process (the answers are small and immutable).
const CACHE_LIMIT = 4096;
const cache = new Map<string, ReadCron>();

/** `expression` normalised for croner (single spaces, nickname in lower case), or the problem. */
export function readCron(expression: string): ReadCron {
  const hit = cache.get(expression);
  if (hit) return hit;
  const read = Object.freeze(readOnce(expression));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expression, read);
  return read;
}

function readOnce(expression: string): ReadCron {
  const fields = expression.trim().split(/\s+/).filter((field) => field !== '');
  const invalid = (detail: string): ReadCron => ({ problem: `"${expression}" is not a valid cron expression (${detail})` });
  const [first = ''] = fields;

  if (fields.length === 0) return invalid(`it is empty; ${FIELD_COUNT_HINT}`);
  if (first.startsWith('@')) return readNickname(first, fields.length, invalid);
  const layout = fields.length === 5 ? FIVE_FIELDS : fields.length === 6 ? SIX_FIELDS : null;
  if (!layout) {
    return invalid(`${fields.length} field${fields.length === 1 ? '' : 's'}; ${FIELD_COUNT_HINT}`);
  }
  for (const [index, field] of layout.entries()) {
    const problem = checkCronField(fields[index] ?? '', field);
    if (problem) return invalid(problem);
  }
  return { pattern: fields.join(' ') };
}

function readNickname(first: string, fieldCount: number, invalid: (detail: string) => ReadCron): ReadCron {
  const nickname = first.toLowerCase();
  if (nickname === '@reboot') return invalid('@reboot is not supported: a task runs on a schedule, not at boot');
  if (NICKNAMES[nickname] === undefined) {
    return invalid(`unknown nickname "${first}"; use one of ${Object.keys(NICKNAMES).join(' ')}`);
  }
  return fieldCount === 1 ? { pattern: nickname } : invalid(`${first} stands alone, with no fields after it`);
}

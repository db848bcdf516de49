// A cron pattern read into per-field tables of allowed values, exactly as croner 11 reads it
// with the contract's options (names, ranges, steps, 7 = Sunday, `?` = `*`, Vixie's
// day-of-month OR day-of-week unless one starts with `*`, `+` for AND), so floatingNext can
// jump field by field instead of letting croner walk. Anything it does not read exactly (L, W, #, croner oddities) gives
// null, and the caller keeps asking croner: the property tests hold the two answers equal.
import { NICKNAMES } from './cronFields.js';

/** How a day is chosen: day-of-month alone, both, or either (Vixie cron, both restricted). */
export type DayRule = 'dom' | 'and' | 'or';

export interface CronMatcher {
  /** next[v]: the smallest allowed value >= v, or -1; one slot past the field's end holds -1. */
  readonly seconds: Int8Array;
  readonly minutes: Int8Array;
  readonly hours: Int8Array;
  /** Months 1-12 (index 0 unused, index 13 is -1). */
  readonly months: Int8Array;
  /** The same for looking back: the largest allowed value <= v, or -1 (index 0 of months is -1). */
  readonly down: { readonly seconds: Int8Array; readonly minutes: Int8Array; readonly hours: Int8Array; readonly months: Int8Array };
  /** Allowed days of the month, 1-31 (1 = allowed). */
  readonly daysOfMonth: Uint8Array;
  /** Allowed days of the week, 0 (Sunday) - 6. */
  readonly daysOfWeek: Uint8Array;
  readonly dayRule: DayRule;
}

interface FieldShape {
  readonly min: number;
  readonly max: number;
  /** croner's array length for the field: the largest step, and where `*` steps stop. */
  readonly size: number;
  readonly names?: Readonly<Record<string, number>>;
  readonly weekday?: boolean;
}

const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const DAY_NAMES = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const SECOND: FieldShape = { min: 0, max: 59, size: 60 };
const MINUTE: FieldShape = { min: 0, max: 59, size: 60 };
const HOUR: FieldShape = { min: 0, max: 23, size: 24 };
const DAY_OF_MONTH: FieldShape = { min: 1, max: 31, size: 31 };
const MONTH: FieldShape = { min: 1, max: 12, size: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: FieldShape = { min: 0, max: 7, size: 7, names: DAY_NAMES, weekday: true };

/** True when the pattern allows day `day` of a month that falls on `weekday` (0 = Sunday). */
export function allowsDay(matcher: CronMatcher, day: number, weekday: number): boolean {
  const byMonth = matcher.daysOfMonth[day] === 1;
  if (matcher.dayRule === 'dom') return byMonth;
  const byWeek = matcher.daysOfWeek[weekday] === 1;
  return matcher.dayRule === 'and' ? byMonth && byWeek : byMonth || byWeek;
}

// Configs repeat patterns, and checkCron then compileSchedule read each: one set of tables a pattern.
const CACHE_LIMIT = 4096;
const cache = new Map<string, CronMatcher | null>();

/** readCronMatcher's answer, shared by every caller with the same pattern. */
export function cachedCronMatcher(pattern: string): CronMatcher | null {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = readCronMatcher(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

/** The tables for `pattern` (as readCron hands it to croner), or null when croner must answer. */
export function readCronMatcher(pattern: string): CronMatcher | null {
  const expanded = pattern.startsWith('@') ? NICKNAMES[pattern.toLowerCase()] : pattern;
  if (expanded === undefined) return null;
  const parts = expanded.trim().split(/\s+/).map((part) => part.replace(/\?/g, '*'));
  if (parts.length === 5) parts.unshift('0');
  if (parts.length !== 6) return null;
  const [second = '', minute = '', hour = '', dom = '', month = '', rawDow = ''] = parts;
  if (/[LW#]/i.test(dom) || /[L#]/i.test(rawDow)) return null;
  const and = rawDow.startsWith('+');
  const dow = and ? rawDow.slice(1) : rawDow;

  const seconds = fieldTables(second, SECOND, 60);
  const minutes = fieldTables(minute, MINUTE, 60);
  const hours = fieldTables(hour, HOUR, 24);
  const daysOfMonth = fieldTables(dom, DAY_OF_MONTH, 0);
  const months = fieldTables(month, MONTH, 13);
  const daysOfWeek = fieldTables(dow, DAY_OF_WEEK, 0);
  if (!seconds || !minutes || !hours || !daysOfMonth || !months || !daysOfWeek) return null;

  // Vixie cron: either only when both are restricted; a field led by `*` (`*/2`) is not.
  const dayRule: DayRule = dow === '*' ? 'dom' : and || dom.startsWith('*') || dow.startsWith('*') ? 'and' : 'or';
  return {
    seconds: seconds.next,
    minutes: minutes.next,
    hours: hours.next,
    months: months.next,
    down: { seconds: seconds.prev, minutes: minutes.prev, hours: hours.prev, months: months.prev },
    daysOfMonth: daysOfMonth.allowed,
    daysOfWeek: daysOfWeek.allowed.subarray(0, 7),
    dayRule,
  };
}

interface FieldTables {
  readonly allowed: Uint8Array;
  readonly next: Int8Array;
  readonly prev: Int8Array;
}

// Patterns share most of their fields (`0` seconds, `*` months...): each field text is read into
// its tables once per process and the (read-only) tables are shared. At 1,000 tasks with ~377
// patterns, `status` read 2,262 fields into ~8,000 typed arrays before.
const fieldCache = new Map<string, FieldTables | null>();

/** One field's allowed values and its next/prev tables over `length` slots (0: no tables needed). */
function fieldTables(text: string, field: FieldShape, length: number): FieldTables | null {
  const key = `${field.max}:${field.min}:${text}`;
  let tables = fieldCache.get(key);
  if (tables === undefined) {
    const allowed = readField(text, field);
    tables = allowed && { allowed, next: length > 0 ? nextTable(allowed, length) : EMPTY, prev: length > 0 ? prevTable(allowed, length) : EMPTY };
    if (fieldCache.size >= CACHE_LIMIT) fieldCache.clear();
    fieldCache.set(key, tables);
  }
  return tables;
}

const EMPTY = new Int8Array(0);

/** The allowed values of one field (index = value; a weekday's 7 folded onto 0), or null. */
function readField(text: string, field: FieldShape): Uint8Array | null {
  const allowed = new Uint8Array(field.max + 1);
  for (const item of text.split(',')) {
    if (!readItem(item, field, allowed)) return null;
  }
  return allowed;
}

function readItem(item: string, field: FieldShape, allowed: Uint8Array): boolean {
  if (item === '*') return mark(allowed, field, field.min, field.min + field.size - 1, 1);
  const stepped = /^([^/]+)\/(\d+)$/.exec(item);
  const base = stepped ? (stepped[1] ?? '') : item;
  const step = stepped ? Number(stepped[2]) : 1;
  if (step < 1 || step > field.size) return false;
  if (base === '*') {
    // croner steps `*` from the field's first value to the end of its array.
    return stepped !== null && mark(allowed, field, field.min, field.min + field.size - 1, step);
  }
  const ends = base.split('-');
  if (ends.length === 1) {
    if (stepped) return false; // croner refuses `5/15`
    const value = readValue(ends[0] ?? '', field, false);
    return value !== null && mark(allowed, field, value, value, 1);
  }
  if (ends.length !== 2) return false;
  const from = readValue(ends[0] ?? '', field, false);
  const to = readValue(ends[1] ?? '', field, true);
  if (from === null || to === null || from > to) return false;
  return mark(allowed, field, from, to, step);
}

/** A number or a name; croner reads SUN at the end of a range as 7. */
function readValue(text: string, field: FieldShape, rangeEnd: boolean): number | null {
  let value: number | undefined;
  if (/^\d+$/.test(text)) value = Number(text);
  else if (field.names && text.length === 3) value = field.names[text.toUpperCase()];
  if (value === undefined) return null;
  if (field.weekday && rangeEnd && value === 0 && !/^\d+$/.test(text)) value = 7;
  return value >= field.min && value <= field.max ? value : null;
}

function mark(allowed: Uint8Array, field: FieldShape, from: number, to: number, step: number): boolean {
  for (let value = from; value <= to; value += step) allowed[field.weekday && value === 7 ? 0 : value] = 1;
  return true;
}

/** next[v] = smallest allowed value >= v, or -1; `length` slots plus one -1 at the end. */
function nextTable(allowed: Uint8Array, length: number): Int8Array {
  const next = new Int8Array(length + 1).fill(-1);
  let following = -1;
  for (let value = length - 1; value >= 0; value--) {
    if (allowed[value]) following = value;
    next[value] = following;
  }
  return next;
}

/** prev[v] = largest allowed value <= v, or -1, for v in 0..length-1. */
function prevTable(allowed: Uint8Array, length: number): Int8Array {
  const prev = new Int8Array(length).fill(-1);
  let preceding = -1;
  for (let value = 0; value < length; value++) {
    if (allowed[value]) preceding = value;
    prev[value] = preceding;
  }
  return prev;
}

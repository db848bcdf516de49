// One field of a cron expression, checked before croner sees it, so that a message names
// the field and the value that is wrong ("minute 61 out of range 0-59"); croner's own
// messages rarely do. croner stays the final judge. Fuzzed against croner 11, the two agree
// but for one oddity croner takes and this refuses: a step with L in day-of-week (`*/5L`).
import { DAY_OF_MONTH, DAY_OF_WEEK, type CronField } from './cronFields.js';

/** Why `text` is not a valid value of `field`, or null when it may be. */
export function checkCronField(text: string, field: CronField): string | null {
  let body = text;
  if (field === DAY_OF_WEEK && body.startsWith('+')) {
    body = body.slice(1);
    if (body === '') return 'day-of-week is empty after "+"';
  }
  for (const item of body.split(',')) {
    const problem = checkItem(item, field);
    if (problem) return problem;
  }
  return null;
}

function checkItem(item: string, field: CronField): string | null {
  if (item === '') return `${field.name} has an empty list item`;
  const [base = '', step, extra] = item.split('/');
  if (extra !== undefined) return `${field.name} "${item}" has more than one step`;
  if (step !== undefined) {
    const problem = checkStep(step, field);
    if (problem) return problem;
  }
  if (base === '*' || base === '?') return null;
  if (field === DAY_OF_MONTH) return checkDayOfMonth(base, item, step);
  if (field === DAY_OF_WEEK) return checkDayOfWeek(base, item, step);
  return checkRange(base, item, field, step);
}

function checkStep(step: string, field: CronField): string | null {
  if (!/^\d+$/.test(step)) return `${field.name} step "${step}" is not a number`;
  const n = Number(step);
  if (n < 1 || n > field.values) return `${field.name} step ${n} out of range 1-${field.values}`;
  return null;
}

/** L (last day), LW (last weekday) and 15W (weekday nearest the 15th) stand alone. */
function checkDayOfMonth(base: string, item: string, step: string | undefined): string | null {
  const upper = base.toUpperCase();
  const nearest = /^(\d+)W$/.exec(upper);
  if (upper === 'L' || upper === 'LW' || nearest) {
    if (step !== undefined) return `day-of-month "${item}": L and W take no step`;
    return nearest ? checkValue(nearest[1] ?? '', DAY_OF_MONTH) : null;
  }
  if (/[LW]/.test(upper)) return `day-of-month "${item}": L and W stand alone (L, LW or 15W)`;
  return checkRange(base, item, DAY_OF_MONTH, step);
}

/** A value or range, optionally followed by #n (nth weekday of the month), #L or L (the last). */
function checkDayOfWeek(base: string, item: string, step: string | undefined): string | null {
  const suffix = /^(.+?)(?:#([^#]*)|L)$/i.exec(base);
  if (!suffix) return checkRange(base, item, DAY_OF_WEEK, step);
  if (step !== undefined) return `day-of-week "${item}": # and L take no step`;
  const nth = suffix[2];
  if (nth !== undefined && !/^L$/i.test(nth)) {
    if (!/^\d+$/.test(nth)) return `day-of-week "${item}": # needs 1-5 or L after it`;
    const n = Number(nth);
    if (n < 1 || n > 5) return `day-of-week occurrence #${n} out of range 1-5`;
  }
  return checkRange(suffix[1] ?? '', item, DAY_OF_WEEK, undefined);
}

/** A value or a range a-b; a step needs a range (croner refuses `5/15`, as many crons do). */
function checkRange(range: string, item: string, field: CronField, step: string | undefined): string | null {
  const ends = range.split('-');
  if (ends.length > 2) return `${field.name} "${item}" is not a valid range`;
  if (step !== undefined && ends.length === 1) {
    return `${field.name} "${item}": a step needs * or a range before it (*/${step} or ${field.min}-${field.max}/${step})`;
  }
  const values: number[] = [];
  for (const end of ends) {
    if (end === '') return `${field.name} "${item}" is not valid`;
    const value = readValue(end, field);
    if (typeof value === 'string') return value;
    values.push(value);
  }
  const [from = 0, to = from] = values;
  if (from > to) {
    const hint = field === DAY_OF_WEEK && to === 0 ? ' (Sunday at the end is 7)' : '';
    return `${field.name} range "${range}" runs backwards${hint}`;
  }
  return null;
}

function checkValue(text: string, field: CronField): string | null {
  const value = readValue(text, field);
  return typeof value === 'string' ? value : null;
}

/** The number a value stands for, or why it stands for none. */
function readValue(text: string, field: CronField): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < field.min || n > field.max ? `${field.name} ${n} out of range ${field.min}-${field.max}` : n;
  }
  const named = field.names?.values[text.toUpperCase()];
  if (named !== undefined) return named;
  const kind = field.names ? ` or a ${field.names.kind} name` : '';
  return `${field.name} "${text}" is not a number${kind}`;
}

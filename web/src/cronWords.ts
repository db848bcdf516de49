// A cron expression said in words for the dashboard ("every day at 02:30", "every 5 minutes on
// Monday to Friday"): our own small function (~4 KB) instead of cronstrue (~20 KB minified),
// covering what the config accepts (5 or 6 fields, nicknames, names, L, W, #); anything it
// cannot say plainly gives null, and the page shows the cron text alone.

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH_NAMES = MONTHS.map((m) => m.slice(0, 3).toUpperCase());
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/** Why a field could not be said: the whole expression then has no words. */
class Unsayable extends Error {}

const pad = (n: number) => String(n).padStart(2, '0');

function number(text: string, names: string[] = [], offset = 0): number {
  const named = names.indexOf(text.toUpperCase());
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(text)) throw new Unsayable(text);
  return Number(text);
}

/** A field's single value, or null when it is not one. */
function single(field: string): number | null {
  return /^\d+$/.test(field) ? Number(field) : null;
}

/** `*∕N` (or `0-59/N` from the start) as N, else null. */
function step(field: string): number | null {
  const match = /^(?:\*|0)\/(\d+)$/.exec(field);
  return match ? Number(match[1]) : null;
}

function list<T>(items: T[], say: (item: T) => string): string {
  const words = items.map(say);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** What a field counts and how its values read. */
interface Unit {
  noun: string;
  min: number;
  max: number;
  say: (n: number) => string;
  names?: string[];
  offset?: number;
  /** Few values (months, weekdays): a step is said as the values it takes. */
  spell?: boolean;
}
const SECOND: Unit = { noun: 'second', min: 0, max: 59, say: String };
const MINUTE: Unit = { noun: 'minute', min: 0, max: 59, say: String };
const HOUR: Unit = { noun: 'hour', min: 0, max: 23, say: pad };
const DAY: Unit = { noun: 'day', min: 1, max: 31, say: String };
const MONTH: Unit = { noun: 'month', min: 1, max: 12, say: (n) => MONTHS[n - 1] as string, names: MONTH_NAMES, offset: 1, spell: true };
const WEEKDAY: Unit = { noun: 'day', min: 0, max: 6, say: (n) => DAYS[n % 7] as string, names: DAY_NAMES, spell: true };

/** "2nd ", "3rd ", "21st "; nothing for 1 (every hour). */
function ordinal(n: number): string {
  if (n === 1) return '';
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix} `;
}

/**
 * A list field in words: its values and ranges after `label` ("minute 5 and 10 to 20"), then each
 * stepped part ("every 2nd hour from 00 through 20"; months and weekdays: the ones it takes).
 */
function fieldWords(field: string, unit: Unit, label: string): string {
  const plain: string[] = [];
  const stepped: string[] = [];
  for (const part of field.split(',')) {
    const [range = '', by, extra] = part.split('/');
    const [first = '', last, more] = range.split('-');
    const star = range === '*';
    // `*` inside a list, `5/15` (a step with no range: the config refuses it), `1-2-3`, `1/2/3`.
    if (extra !== undefined || more !== undefined || (star && by === undefined) || (by !== undefined && !star && last === undefined)) throw new Unsayable(part);
    const from = star ? unit.min : number(first, unit.names, unit.offset ?? 0);
    const to = star ? unit.max : last === undefined ? null : number(last, unit.names, unit.offset ?? 0);
    if (by === undefined) {
      plain.push(to === null ? unit.say(from) : `${unit.say(from)} to ${unit.say(to)}`);
      continue;
    }
    const every = number(by);
    if (every < 1 || to === null) throw new Unsayable(part);
    if (unit.spell) {
      for (let n = from; n <= to; n += every) plain.push(unit.say(n));
      continue;
    }
    const each = `every ${ordinal(every)}${unit.noun}`;
    stepped.push(star ? each : `${each} from ${unit.say(from)} through ${unit.say(to)}`);
  }
  return list(plain.length > 0 ? [`${label}${list(plain, String)}`, ...stepped] : stepped, String);
}

/** "at minute 5" for named values; "every 2nd minute ..." as it is. */
const at = (words: string) => (words.startsWith('every ') ? words : `at ${words}`);

function timeOfDay(second: string, minute: string, hour: string): string {
  const s = single(second);
  if (s === null) {
    const every = second === '*' ? 'every second' : step(second) !== null ? `every ${step(second)} seconds` : at(fieldWords(second, SECOND, 'second '));
    return minute === '*' && hour === '*' ? every : `${every}, ${timeOfDay('0', minute, hour)}`;
  }
  const atSecond = s === 0 ? '' : `:${pad(s)}`;
  const m = single(minute);
  const h = single(hour);
  if (m !== null && h !== null) return `at ${pad(h)}:${pad(m)}${atSecond}`;
  const singles = (field: string) => field.split(',').length <= 4 && field.split(',').every((part) => single(part) !== null);
  if (h !== null && singles(minute)) return `at ${list(minute.split(','), (part) => `${pad(h)}:${pad(Number(part))}${atSecond}`)}`;
  if (m !== null && singles(hour)) return `at ${list(hour.split(','), (part) => `${pad(Number(part))}:${pad(m)}${atSecond}`)}`;
  const said = minutesOfHours(minute, hour);
  return s === 0 ? said : `${said}, at second ${s}`;
}

/** Which minutes of which hours, when that is not a few times of day. */
function minutesOfHours(minute: string, hour: string): string {
  const m = single(minute);
  const every = step(minute);
  const minutes = minute === '*' ? 'every minute' : every !== null ? `every ${every} minutes` : m !== null ? `at minute ${m}` : at(fieldWords(minute, MINUTE, 'minute '));
  if (hour === '*') {
    if (m !== null) return `every hour at minute ${m}`;
    return minute === '*' || every !== null ? minutes : `${minutes} of every hour`;
  }
  const span = /^(\d+)-(\d+)$/.exec(hour);
  if (span) {
    const between = ` between ${pad(Number(span[1]))}:00 and ${pad(Number(span[2]))}:59`;
    return m !== null ? `every hour at minute ${m}${between}` : `${minutes}${between}`;
  }
  const hours = step(hour);
  if (hours !== null) return m !== null ? `every ${hours} hours at minute ${m}` : `${minutes} of every ${hours} hours`;
  // Minutes named ("at minute 23") are past the hours; a run of minutes is during them.
  return `${minutes} ${minutes.startsWith('at ') ? 'past' : 'during'} ${fieldWords(hour, HOUR, 'hour ')}`;
}

function dayOfWeek(field: string): string {
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) return `on the ${ORDINALS[Number(nth[2])] ?? `${nth[2]}th`} ${DAYS[number(nth[1] as string, DAY_NAMES) % 7]}`;
  const last = /^(\w+)L$/i.exec(field);
  if (last) return `on the last ${DAYS[number(last[1] as string, DAY_NAMES) % 7]}`;
  return `on ${fieldWords(field, WEEKDAY, '')}`;
}

function dayOfMonth(field: string): string {
  if (field.toUpperCase() === 'L') return 'on the last day of the month';
  const weekday = /^(\d+)W$/i.exec(field);
  if (weekday) return `on the weekday nearest day ${weekday[1]} of the month`;
  return `on ${fieldWords(field, DAY, 'day ')} of the month`;
}

/** The expression in words, or null when it is not one this function can say plainly. */
export function cronWords(expression: string): string | null {
  const text = NICKNAMES[expression.trim().toLowerCase()] ?? expression.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return null;
  const [second, minute, hour, dom, month, dow] = (fields.length === 5 ? ['0', ...fields] : fields) as [string, string, string, string, string, string];
  try {
    const parts = [timeOfDay(second, minute, hour)];
    const anyDom = dom === '*' || dom === '?';
    const anyDow = dow === '*' || dow === '?';
    // Vixie's rule: either day, unless one field starts with `*` (`*/2`) or `+` asks for both.
    const both = dow.startsWith('+') || dom.startsWith('*') || dow.startsWith('*');
    if (!anyDom && !anyDow) parts.push(`${dayOfMonth(dom)} ${both ? 'and' : 'or'} ${dayOfWeek(dow.replace(/^\+/, ''))}`);
    else if (!anyDom) parts.push(dayOfMonth(dom));
    else if (!anyDow) parts.push(dayOfWeek(dow));
    const months = /^\*\/(\d+)$/.exec(month);
    if (months) parts.push(`every ${months[1]} months`);
    else if (month !== '*') parts.push(`in ${fieldWords(month, MONTH, '')}`);
    const said = parts.join(' ');
    const daily = anyDom && anyDow && month === '*' && /^at \d\d:/.test(said);
    return daily ? `every day ${said}` : said;
  } catch (error) {
    if (error instanceof Unsayable) return null;
    throw error;
  }
}

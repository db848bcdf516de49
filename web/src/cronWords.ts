// A cron expression said in words for the dashboard ("every day at 02:30", "every 5 minutes on
// Monday to Friday"): our own small function (~2 KB) instead of cronstrue (~20 KB minified),
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

/** A list field (values, ranges, steps) said with `say` for each value. */
function values(field: string, say: (n: number) => string, names: string[] = [], offset = 0): string {
  return list(field.split(','), (part) => {
    const [range, by] = part.split('/');
    if (range === undefined) throw new Unsayable(part);
    const every = by === undefined ? '' : `every ${number(by)} `;
    if (range === '*') return by === undefined ? 'every' : `${every.trim()}`;
    const [from, to] = range.split('-');
    if (from === undefined) throw new Unsayable(part);
    if (to === undefined) return by === undefined ? say(number(from, names, offset)) : `${every}from ${say(number(from, names, offset))}`;
    return `${every}${say(number(from, names, offset))} to ${say(number(to, names, offset))}`;
  });
}

function timeOfDay(second: string, minute: string, hour: string): string {
  const s = single(second);
  if (s === null) {
    const every = second === '*' ? 'every second' : step(second) !== null ? `every ${step(second)} seconds` : `at second ${values(second, String)}`;
    return minute === '*' && hour === '*' ? every : `${every}, ${timeOfDay('0', minute, hour)}`;
  }
  const atSecond = s === 0 ? '' : `:${pad(s)}`;
  const m = single(minute);
  const h = single(hour);
  if (m !== null && h !== null) return `at ${pad(h)}:${pad(m)}${atSecond}`;
  const singles = (field: string) => field.split(',').length <= 4 && field.split(',').every((part) => single(part) !== null);
  if (h !== null && singles(minute)) return `at ${list(minute.split(','), (part) => `${pad(h)}:${pad(Number(part))}${atSecond}`)}`;
  if (m !== null && singles(hour)) return `at ${list(hour.split(','), (part) => `${pad(Number(part))}:${pad(m)}${atSecond}`)}`;
  const span = /^(\d+)-(\d+)$/.exec(hour);
  const hours = step(hour);
  const during = hour === '*' ? '' : span ? ` between ${pad(Number(span[1]))}:00 and ${pad(Number(span[2]))}:59` : hours !== null ? ` of every ${hours} hours` : ` during hour ${values(hour, pad)}`;
  if (minute === '*') return `every minute${during}`;
  if (step(minute) !== null) return `every ${step(minute)} minutes${during}`;
  if (m !== null && hours !== null) return `every ${hours} hours at minute ${m}`;
  if (m !== null) return `every hour at minute ${m}${during}`;
  return `at minute ${values(minute, String)}${during || ' of every hour'}`;
}

function dayOfWeek(field: string): string {
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) return `on the ${ORDINALS[Number(nth[2])] ?? `${nth[2]}th`} ${DAYS[number(nth[1] as string, DAY_NAMES) % 7]}`;
  const last = /^(\w+)L$/i.exec(field);
  if (last) return `on the last ${DAYS[number(last[1] as string, DAY_NAMES) % 7]}`;
  return `on ${values(field, (n) => DAYS[n % 7] as string, DAY_NAMES)}`;
}

function dayOfMonth(field: string): string {
  if (field.toUpperCase() === 'L') return 'on the last day of the month';
  const weekday = /^(\d+)W$/i.exec(field);
  if (weekday) return `on the weekday nearest day ${weekday[1]} of the month`;
  return `on day ${values(field, String)} of the month`;
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
    else if (month !== '*') parts.push(`in ${values(month, (n) => MONTHS[n - 1] as string, MONTH_NAMES, 1)}`);
    const said = parts.join(' ');
    const daily = anyDom && anyDow && month === '*' && /^at \d\d:/.test(said);
    return daily ? `every day ${said}` : said;
  } catch (error) {
    if (error instanceof Unsayable) return null;
    throw error;
  }
}

// How tables read on a terminal, as `systemctl list-timers` does it: times in the local zone to
// the second, how long until or since in words, statuses in words and (on a colour terminal,
// unless NO_COLOR) in colour, the table fitted to the terminal's width.

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

const COLOURS: Record<string, number> = {
  success: 32,
  failed: 31,
  timeout: 31,
  interrupted: 33,
  cancelled: 33,
  skipped: 90,
  running: 36,
  queued: 36,
  awaiting_approval: 35,
  paused: 33,
};

/** `text` in the colour of `status` (unchanged when colour is off or the status has none). */
export function paint(status: string, text: string, colour: boolean): string {
  const code = COLOURS[status];
  return colour && code !== undefined ? `\x1b[${code}m${text}\x1b[0m` : text;
}

let formatter: Intl.DateTimeFormat | null = null;

/** `Sun 2026-11-29 14:00:00 CET`: the local zone, to the second. */
export function localTime(ms: number): string {
  const part = localParts(ms);
  return `${part.weekday} ${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

function localParts(ms: number): Record<string, string> {
  formatter ??= new Intl.DateTimeFormat('en-US', {
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return Object.fromEntries(formatter.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/** `11-30 19:42:05`: localTime without weekday, year and zone, for a narrow terminal. */
export function shortLocalTime(ms: number): string {
  const part = localParts(ms);
  return `${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

/** How long, in words: `45s`, `2 min`, `1h 30min`, `15h`, `3 days`, `5 weeks`. */
export function inWords(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 10) return min % 60 === 0 ? `${h}h` : `${h}h ${min % 60}min`;
  if (h < 48) return `${h}h`;
  const days = Math.floor(h / 24);
  if (days < 14) return `${days} days`;
  return `${Math.floor(days / 7)} weeks`;
}

/** `in 15h` (LEFT). */
export function left(at: number, now: number): string {
  return at <= now ? 'now' : `in ${inWords(at - now)}`;
}

/** `2 min ago` (PASSED). */
export function passed(at: number, now: number): string {
  return at >= now ? 'now' : `${inWords(now - at)} ago`;
}

/**
 * The terminal's width, when there is one: `$COLUMNS` when set (as systemctl and ls take it:
 * `COLUMNS=60 status`, or a terminal that reports no size), else the terminal's own.
 */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  if (!stream.isTTY) return undefined;
  const given = Number(process.env.COLUMNS);
  if (Number.isInteger(given) && given > 0) return given;
  return stream.columns || undefined;
}

// Times and durations as the page shows them: local wall-clock time (or a task's zone's, with
// the zone said), "in 5 min" / "3 h ago", and short durations; the exact ISO time goes in each
// element's title.

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-06-02 02:30:00` in the browser's zone. */
export function clockTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(zone: string): Intl.DateTimeFormat | null {
  if (!zoneFormats.has(zone)) {
    const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } as const;
    try {
      zoneFormats.set(zone, new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone }));
    } catch {
      zoneFormats.set(zone, null); // a zone this browser does not know
    }
  }
  return zoneFormats.get(zone) ?? null;
}

/**
 * `2025-06-02 03:00:00 EDT`: the time on a clock in `zone` (a task's, as its schedule is read),
 * with the zone's short name or offset (`UTC`, `GMT+9`), so it is not taken for the browser's
 * time. A zone the browser does not know: the browser's time, with the browser's zone.
 */
export function zonedTime(iso: string | null, zone: string): string {
  if (!iso) return '';
  const format = zoneFormat(zone) ?? zoneFormat(Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (!format) return clockTime(iso);
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of format.formatToParts(new Date(iso))) part[type] = value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

/**
 * "in 4 min", "12 s ago", "3 d ago". An instant that has happened (`past`: a run's start or end,
 * a wait's start) never reads as future: one a little after `now` (data newer than the page's
 * clock, or from a daemon whose clock is ahead) is "now".
 */
export function relative(iso: string | null, now: number, when: 'past' | 'any' = 'any'): string {
  if (!iso) return '';
  const ms = when === 'past' ? Math.min(0, Date.parse(iso) - now) : Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const amount =
    abs < 1000 ? 'now' : abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  if (amount === 'now') return 'now';
  return ms > 0 ? `in ${amount}` : `${amount} ago`;
}

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function duration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${pad(Math.floor((ms % 60_000) / 1000))} s`;
  return `${Math.floor(ms / 3_600_000)} h ${pad(Math.floor((ms % 3_600_000) / 60_000))} min`;
}

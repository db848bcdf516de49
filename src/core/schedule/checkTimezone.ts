// Whether a zone name is one the runtime's tz database knows (IANA names such as
// "Europe/Berlin", "UTC", "Etc/GMT+5"; also its backward links such as "US/Eastern").

// UTC is known without asking Intl: the first question loads ICU's zone data (~15-40 ms of a
// command's start), which a home on UTC then never needs (zoneOffsets knows UTC too).
const valid = new Set<string>(['UTC', 'Etc/UTC']);

/** Null when `zone` is a known IANA zone, else a message. */
export function checkTimezone(zone: string): string | null {
  if (valid.has(zone)) return null;
  const unknown = `unknown timezone "${zone}" (use an IANA name such as "Europe/Berlin" or "UTC")`;
  if (zone === '' || zone.trim() !== zone) return unknown;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return unknown;
  }
  valid.add(zone);
  return null;
}

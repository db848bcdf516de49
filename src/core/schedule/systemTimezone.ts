// The zone of the machine the conductor runs on (what `settings.timezone` defaults to).
import { checkTimezone } from './checkTimezone.js';

/** The runtime's IANA zone (from TZ or /etc/localtime, as Intl resolves it), 'UTC' when unknown. */
export function systemTimezone(): string {
  // Asking Intl costs ~0.25 ms and status resolves a zone per task: ask once per value of TZ.
  const tz = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TZ;
  if (cached === undefined || cached.tz !== tz) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    cached = { tz, zone: typeof zone === 'string' && checkTimezone(zone) === null ? zone : 'UTC' };
  }
  return cached.zone;
}

let cached: { tz: string | undefined; zone: string } | undefined;

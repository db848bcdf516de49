// The zone of the machine the conductor runs on (what `settings.timezone` defaults to).
import { checkTimezone } from './checkTimezone.js';

/** The runtime's IANA zone (from TZ or /etc/localtime, as Intl resolves it), 'UTC' when unknown. */
export function systemTimezone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return typeof zone === 'string' && checkTimezone(zone) === null ? zone : 'UTC';
}

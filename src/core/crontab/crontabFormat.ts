// Whether a crontab has the user column, decided as cron decides it: by where the file is.
// /etc/crontab and the files of /etc/cron.d have it; a user's crontab (`crontab -l`, the files
// of /var/spool/cron/crontabs) has not. --system and --user override the path.
import type { CrontabFormat } from './types.js';

/** The format of the crontab at absolute path `file`, unless a flag names it. */
export function crontabFormat(file: string, flags: { user?: boolean; system?: boolean }): CrontabFormat {
  if (flags.system) return 'system';
  if (flags.user) return 'user';
  return file === '/etc/crontab' || /^\/etc\/cron\.d\/[^/]+$/.test(file) ? 'system' : 'user';
}

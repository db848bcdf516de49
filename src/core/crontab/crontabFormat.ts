// Whether a crontab has the user column. cron decides it by where the file is: /etc/crontab and
// the files of /etc/cron.d have it; a user's crontab (`crontab -l`, the files of
// /var/spool/cron) has not. A copy elsewhere is read by its folder (one named cron.d holds
// system crontabs only), else by its content (userColumnInText). --system and --user override.
import type { CrontabFormat } from './types.js';
import { userColumnInText, type SystemNames } from './userColumnInText.js';

/** The format and what decided it (`content` and `folder` are said on stderr, with the override). */
export interface FormatDecision {
  readonly format: CrontabFormat;
  readonly by: 'flag' | 'path' | 'folder' | 'content' | 'default';
}

/**
 * The format of the crontab at absolute path `file` (`-`: standard input), unless a flag names
 * it; `content` is its text and what this system names, for a file whose path does not decide.
 */
export function crontabFormat(
  file: string,
  flags: { user?: boolean; system?: boolean },
  content?: { text: string; system: SystemNames },
): FormatDecision {
  if (flags.system) return { format: 'system', by: 'flag' };
  if (flags.user) return { format: 'user', by: 'flag' };
  if (file === '/etc/crontab' || /^\/etc\/cron\.d\/[^/]+$/.test(file)) return { format: 'system', by: 'path' };
  if (file.startsWith('/var/spool/cron/')) return { format: 'user', by: 'path' };
  if (/(^|\/)cron\.d\/[^/]+$/.test(file)) return { format: 'system', by: 'folder' };
  if (content && userColumnInText(content.text, content.system)) return { format: 'system', by: 'content' };
  return { format: 'user', by: 'default' };
}

// The schedule a job's time fields stand for, written so the conductor fires when cron would.
// Where cron and croner part ways is settled here:
// - syntax: cron knows numbers, names, `*`, ranges, steps and lists; croner's `?`, `L`, `W`,
//   `#` and `+` are refused, since cron would have refused the line;
// - Vixie's day rule (both restricted mean either, unless one of them starts with `*`, as in
//   `*/2`, which makes it both) is the conductor's own, so the fields are kept as they are;
// - nicknames: cron's are lower case (`@DAILY` is refused by it) and `@reboot` has no schedule.
// Ranges and values are then checked by checkCron, the config's own judge.
import { checkCron } from '../schedule/checkCron.js';
import { NICKNAMES } from '../schedule/cronFields.js';

export type Translated = { readonly schedule: string } | { readonly problem: string };

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const CRON_NICKNAMES = [...Object.keys(NICKNAMES), '@reboot'];

/** The conductor schedule for cron time fields (five, or one nickname), or why there is none. */
export function translateSchedule(fields: readonly string[]): Translated {
  const [first = ''] = fields;
  if (first.startsWith('@')) return translateNickname(first);
  for (const [index, field] of fields.entries()) {
    const problem = notCronSyntax(field, FIELD_NAMES[index] ?? 'field');
    if (problem) return { problem };
  }
  const schedule = fields.join(' ');
  const problem = checkCron(schedule);
  if (problem) return { problem };
  return { schedule };
}

function translateNickname(nickname: string): Translated {
  if (nickname === '@reboot') {
    return { problem: '@reboot runs once at boot, and the conductor has no boot trigger (a systemd unit does that)' };
  }
  if (NICKNAMES[nickname] !== undefined) return { schedule: nickname };
  if (NICKNAMES[nickname.toLowerCase()] !== undefined || nickname.toLowerCase() === '@reboot') {
    return { problem: `"${nickname}" is not a cron nickname (cron's are lower case: ${nickname.toLowerCase()})` };
  }
  return { problem: `unknown nickname "${nickname}" (cron knows ${CRON_NICKNAMES.join(' ')})` };
}

/** Why `field` uses syntax croner takes and cron does not, or null. */
function notCronSyntax(field: string, name: string): string | null {
  const extension = /[?#+]/.test(field) || (name === 'day-of-month' && /[a-z]/i.test(field)) || (name === 'day-of-week' && /l/i.test(field));
  if (!extension) return null;
  return `${name} "${field}" is not cron syntax (cron takes numbers, names, *, ranges a-b, steps /n and lists; not ? L W # or +)`;
}

// A job line split as cron splits it: five time fields (or one `@nickname`), the user column in a
// system crontab, then the command, the rest of the line with its inner spacing kept. Fields are
// separated by spaces or tabs. Only the shape is decided here; what the fields mean is
// translateSchedule's question.
import type { CronJob, CrontabFormat } from './types.js';

export type ReadJob = { readonly job: CronJob } | { readonly problem: string };

/**
 * A value that could be a cron time field (digits, `*`, ranges, steps, lists, `?`): made of
 * those characters and holding a digit, `*` or `?`, since a lone `-` (or `,`) is no field but
 * a command (or its first word).
 */
const FIELD_LIKE = /^(?=.*[0-9*?])[0-9*?/,-]+$/;

/** `text` (not blank, not a comment, not an env setting) read as a job line of `format`. */
export function readJobLine(text: string, format: CrontabFormat): ReadJob {
  let rest = text.replace(/^[ \t]+/, '');
  const take = (): string | null => {
    const match = /^([^ \t]+)[ \t]*/.exec(rest);
    if (!match) return null;
    rest = rest.slice(match[0].length);
    return match[1] ?? null;
  };
  const first = take() ?? '';
  const fields = [first];
  if (!first.startsWith('@')) {
    while (fields.length < 5) {
      const field = take();
      if (field === null) return { problem: `${missing(format)}, but the line ends after ${plural(fields.length, 'field')}` };
      fields.push(field);
    }
  }
  let user: string | null = null;
  if (format === 'system') {
    user = take();
    if (user === null) return { problem: `${missing(format)}, but there is no user after the time fields` };
  }
  const command = rest;
  const extra = extraFields(fields, user, command);
  if (extra) return { problem: extra };
  if (command.trim() === '') return { problem: `${missing(format)}, but there is no command` };
  return { job: { fields, user, command } };
}

function missing(format: CrontabFormat): string {
  return format === 'system'
    ? 'a system crontab line needs 5 time fields (or an @nickname), a user and a command'
    : 'a crontab line needs 5 time fields (or an @nickname) and a command';
}

/**
 * A line written with seconds or a year (6 or 7 fields, as Quartz or croner take them): cron
 * would read the extra fields as the user or the start of the command. Refused with a reason.
 */
function extraFields(fields: readonly string[], user: string | null, command: string): string | null {
  if (fields.length !== 5) return null;
  const after = [...(user === null ? [] : [user]), ...command.split(/[ \t]+/)];
  let count = 5;
  for (const word of after) {
    if (!FIELD_LIKE.test(word)) break;
    count++;
  }
  if (count === 5) return null;
  return `${count} time fields; cron has 5 (minute hour day-of-month month day-of-week, no seconds or year), so it would run "${after[0]}" as the ${user === null ? 'command' : 'user'}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// Whether a crontab's text, wherever the file is, reads as a system crontab (with a user
// column): a copy of /etc/crontab or of a file of /etc/cron.d kept at another path. Decided
// conservatively, since a wrong "yes" silently turns each command's first word into a user:
// every job line must have a user and a command after its time fields, every such user must be
// a user of this system, and at least one of them must not also be a command (a user crontab
// of `mail -s x bob` lines, `mail` being a user too, stays a user crontab).
import { readEnvLine } from './readEnvLine.js';
import { splitCrontabLines } from './splitLines.js';

/** What the system says, asked by the caller (this file reads nothing). */
export interface SystemNames {
  /** The user names of this system (/etc/passwd). */
  readonly users: ReadonlySet<string>;
  /** Whether a word is a command the shell would find (on PATH, or a builtin). */
  readonly isCommand: (word: string) => boolean;
}

/** True when `text` has a user column by its content alone. */
export function userColumnInText(text: string, system: SystemNames): boolean {
  const split = splitCrontabLines(text);
  if ('problem' in split) return false;
  const users: string[] = [];
  for (const { text: line } of split.lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || /^[A-Za-z_][A-Za-z0-9_]*[ \t]*=/.test(trimmed) || readEnvLine(line)) continue;
    const user = userWord(trimmed.split(/[ \t]+/));
    if (user === undefined) continue; // @reboot: refused either way, it tells nothing
    if (user === null || !system.users.has(user)) return false;
    users.push(user);
  }
  return users.length > 0 && users.some((user) => !system.isCommand(user));
}

/**
 * The word where a system line has its user: after the 5 time fields (7 words at least, with a
 * command) or after a nickname (3 at least). null: the line is too short to have one;
 * undefined: an @reboot line.
 */
function userWord(words: readonly string[]): string | null | undefined {
  const [first = ''] = words;
  if (first === '@reboot') return undefined;
  const at = first.startsWith('@') ? 1 : 5;
  return words.length >= at + 2 ? (words[at] ?? null) : null;
}

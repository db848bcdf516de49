// What cron makes of `%` in a command (Vixie cron's do_command): the first unescaped `%` ends
// the command and the rest becomes the job's standard input, each further unescaped `%` a
// newline; `\%` is a literal `%` (the backslash dropped), in both parts. Every other backslash
// stays. With no `%`, the job's input is empty; input that does not end with a newline gets one,
// as cron writes it. Ported character by character, quirks included (in the input, `\\%` gives `\%`).

export interface CronCommand {
  /** What cron hands to the shell. */
  readonly command: string;
  /** The job's standard input, or null when the line had no unescaped `%`. */
  readonly stdin: string | null;
}

/** The command and standard input cron would make of `raw`. */
export function splitPercent(raw: string): CronCommand {
  let command = '';
  let escaped = false;
  let index = 0;
  for (; index < raw.length; index++) {
    const ch = raw[index] as string;
    if (escaped) {
      // `\%` -> `%`: the backslash already copied is replaced.
      command = ch === '%' ? `${command.slice(0, -1)}%` : command + ch;
      escaped = false;
      continue;
    }
    if (ch === '%') break;
    command += ch;
    escaped = ch === '\\';
  }
  if (index >= raw.length) return { command, stdin: null };
  return { command, stdin: cronInput(raw.slice(index + 1)) };
}

/** cron's writing of the input: a newline added at its end when it does not end with one (need_newline). */
function cronInput(data: string): string {
  let input = '';
  let escaped = false;
  let needNewline = false;
  for (const original of data) {
    let ch = original;
    if (escaped) {
      if (ch !== '%') input += '\\';
    } else if (ch === '%') {
      ch = '\n';
    }
    escaped = ch === '\\';
    if (!escaped) input += ch;
    needNewline = ch !== '\n';
  }
  if (escaped) input += '\\';
  return needNewline ? `${input}\n` : input;
}

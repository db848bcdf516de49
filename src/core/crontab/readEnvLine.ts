// Whether a crontab line is an environment setting, read as Vixie cron's load_env reads it:
// `NAME = VALUE`, spaces around `=` optional, NAME or VALUE optionally in matching single or
// double quotes (which keep leading and trailing blanks), an unquoted VALUE trimmed at its end.
// A line that is not one (e.g. `0 * * * * x=1`) is a job line; cron decides in that order too.

export interface EnvSetting {
  readonly name: string;
  readonly value: string;
}

const NAME_THEN_EQUALS = /^[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s="']+))[ \t]*=[ \t]*/;

/** The setting on `text`, or null when the line is not an environment setting. */
export function readEnvLine(text: string): EnvSetting | null {
  const match = NAME_THEN_EQUALS.exec(text);
  if (!match) return null;
  const name = match[1] ?? match[2] ?? match[3] ?? '';
  if (name === '') return null;
  const rest = text.slice(match[0].length);
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const end = rest.indexOf(quote, 1);
    // An unclosed quote, or text after the closing one: cron refuses it as a setting.
    if (end === -1 || rest.slice(end + 1).trim() !== '') return null;
    return { name, value: rest.slice(1, end) };
  }
  return { name, value: rest.replace(/[ \t]+$/, '') };
}

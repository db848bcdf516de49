// Each line of a crontab as cron reads it, in order: blank lines are skipped, `#` starts a
// comment line (only at the start: elsewhere `#` belongs to the command or the value), an
// environment setting is tried first, and anything else must be a job line. A line that is
// neither is refused with the reason, as "on line N: ..." will say.
import { readEnvLine } from './readEnvLine.js';
import { readJobLine } from './readJobLine.js';
import type { CrontabEntry, CrontabFormat, CrontabLine } from './types.js';

/** What every line that is neither blank nor a comment is. */
export function parseCrontab(lines: readonly CrontabLine[], format: CrontabFormat): CrontabEntry[] {
  const entries: CrontabEntry[] = [];
  for (const { number: line, text } of lines) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const env = readEnvLine(text);
    if (env) {
      entries.push({ kind: 'env', line, name: env.name, value: env.value });
      continue;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*[ \t]*=/.test(trimmed)) {
      entries.push({ kind: 'refused', line, reason: 'an environment setting whose quotes do not match (NAME="VALUE" or NAME=\'VALUE\')' });
      continue;
    }
    const read = readJobLine(text, format);
    entries.push('job' in read ? { kind: 'job', line, job: read.job } : { kind: 'refused', line, reason: read.problem });
  }
  return entries;
}

// The config command that runs a cron job as cron runs it. cron starts `$SHELL -c COMMAND`
// (SHELL from the crontab, /bin/sh by default) with the job's input on a pipe; the conductor
// always starts `/bin/sh -c`. So the command is kept as written when cron's shell is /bin/sh and
// there is no input, and otherwise wrapped: `printf '%s\n' 'INPUT' | SHELL -c 'COMMAND'`, every
// part single-quoted, so the shell sees exactly the bytes cron would have given it.
import type { CronCommand } from './splitPercent.js';

const DEFAULT_SHELL = '/bin/sh';

/** A `/bin/sh -c` command equivalent to running `job` with cron's `shell`. */
export function shellCommand(job: CronCommand, shell: string = DEFAULT_SHELL): string {
  const sameShell = shell === DEFAULT_SHELL;
  if (job.stdin === null) return sameShell ? job.command : `exec ${quote(shell)} -c ${quote(job.command)}`;
  // cron's input ends with a newline unless it is empty: printf '%s\n' writes it, the same bytes.
  const input = job.stdin.endsWith('\n') ? `printf '%s\\n' ${quote(job.stdin.slice(0, -1))}` : `printf '%s' ${quote(job.stdin)}`;
  return `${input} | ${quote(shell)} -c ${quote(job.command)}`;
}

/** `text` as one single-quoted shell word. */
export function quote(text: string): string {
  if (/^[A-Za-z0-9_@%+:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// Parsed crontab entries -> config tasks, with cron's semantics: an environment line applies to
// the job lines after it (SHELL to how the command runs, CRON_TZ/TZ to its zone, every one to
// its env); a job's task gets a unique name made from its command and a description saying
// where it came from (and, from a system crontab, the user cron ran it as). Lines that cannot become tasks are refused, each with its reason, and
// what an operator should know (who cron ran a job as, lines already in the target config) is
// noted. Pure: the caller supplies the names taken, the importing user and the zone default.
import { nameFromCommand } from './nameFromCommand.js';
import { shellCommand } from './shellCommand.js';
import { splitPercent } from './splitPercent.js';
import { timezoneFromEnv } from './timezoneFromEnv.js';
import { translateSchedule } from './translateSchedule.js';
import type { CronJob, CrontabEntry, CrontabFormat, ImportedTask, LineMessage } from './types.js';
import { uniqueTaskName } from './uniqueTaskName.js';

/** A task already in the target config, as far as telling a repeat import goes. */
export interface ExistingTask {
  readonly name: string;
  readonly command?: string;
  readonly schedule?: string | null;
  readonly timezone?: string;
}

export interface ConvertOptions {
  readonly format: CrontabFormat;
  /** The crontab as descriptions name it. */
  readonly source: string;
  readonly existing: readonly ExistingTask[];
  /** Who runs the import: a system crontab's user column is compared with it. */
  readonly importingUser: string | null;
  /** The zone of tasks with no CRON_TZ/TZ above them; null leaves `timezone` out. */
  readonly defaultTimezone: string | null;
}

export interface Converted {
  readonly tasks: ImportedTask[];
  readonly refused: LineMessage[];
  readonly notes: LineMessage[];
  /** Job lines that were already in the target config (same schedule, command and zone). */
  readonly alreadyPresent: number;
}

/** The tasks, refusals and notes for `entries`. */
export function convertCrontab(entries: readonly CrontabEntry[], options: ConvertOptions): Converted {
  const env = new Map<string, { value: string; line: number }>();
  const taken = new Set(options.existing.map((task) => task.name));
  const tasks: ImportedTask[] = [];
  const refused: LineMessage[] = [];
  const notes: LineMessage[] = [];
  const linesByUser = new Map<string, number[]>();
  let alreadyPresent = 0;

  for (const entry of entries) {
    if (entry.kind === 'refused') {
      refused.push({ line: entry.line, message: entry.reason });
    } else if (entry.kind === 'env') {
      env.delete(entry.name);
      env.set(entry.name, { value: entry.value, line: entry.line });
    } else {
      const made = taskFor(entry.job, entry.line, env, options);
      if ('problem' in made) {
        refused.push({ line: entry.line, message: made.problem });
        continue;
      }
      const twin = options.existing.find((task) => sameTask(task, made.task));
      if (twin) {
        alreadyPresent++;
        notes.push({ line: entry.line, message: `already in the config as task "${twin.name}"; not added again` });
        continue;
      }
      const task = { ...made.task, name: uniqueTaskName(made.task.name, taken) };
      taken.add(task.name);
      tasks.push(orderKeys(task));
      if (entry.job.user !== null) linesByUser.set(entry.job.user, [...(linesByUser.get(entry.job.user) ?? []), entry.line]);
      if (options.format === 'user' && /^root[ \t]/.test(entry.job.command)) {
        notes.push({ line: entry.line, message: 'the command starts with "root": is this a system crontab line? (use --system)' });
      }
    }
  }
  for (const [user, lines] of linesByUser) {
    if (user === options.importingUser) continue;
    const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`;
    notes.push({
      line: null,
      message: `cron ran ${where} as "${user}"; the conductor runs every task as the user of its daemon${options.importingUser ? ` (this import ran as "${options.importingUser}")` : ''}`,
    });
  }
  notes.push(...differences(tasks));
  return { tasks, refused, notes, alreadyPresent };
}

/** What cron did that the imported tasks will not do, said once per file. */
function differences(tasks: readonly ImportedTask[]): LineMessage[] {
  if (tasks.length === 0) return [];
  const notes: LineMessage[] = [
    {
      line: null,
      message:
        'cron never stops a job and lets runs overlap; these tasks get the default timeout (settings.task_timeout_default, 3600 s) and concurrency_policy forbid: set them per task where a job needs otherwise',
    },
  ];
  if (tasks.some((task) => task.env?.MAILTO)) {
    notes.push({
      line: null,
      message: 'MAILTO is kept in env, but the conductor sends no mail: output goes to logs/automation/<task>.log, failures to settings.notification_webhook',
    });
  }
  return notes;
}

type Made = { readonly task: ImportedTask } | { readonly problem: string };

function taskFor(
  job: CronJob,
  line: number,
  env: ReadonlyMap<string, { value: string; line: number }>,
  options: ConvertOptions,
): Made {
  const translated = translateSchedule(job.fields);
  if ('problem' in translated) return { problem: translated.problem };
  const zone = timezoneFromEnv(env);
  if ('problem' in zone) return { problem: zone.problem };
  const cron = splitPercent(job.command);
  const shell = env.get('SHELL')?.value;
  const task: ImportedTask = {
    name: nameFromCommand(cron.command) || `cron_line_${line}`,
    description: `Imported from ${options.source} line ${line}${job.user === null ? '' : ` (cron ran it as ${job.user})`}`,
    command: shellCommand(cron, shell === undefined || shell === '' ? undefined : shell),
    schedule: translated.schedule,
  };
  const timezone = zone.zone ?? options.defaultTimezone;
  if (timezone !== null) task.timezone = timezone;
  if (env.size > 0) task.env = Object.fromEntries([...env].map(([name, { value }]) => [name, value]));
  return { task };
}

function sameTask(existing: ExistingTask, task: ImportedTask): boolean {
  return existing.command === task.command && existing.schedule === task.schedule && (existing.timezone ?? null) === (task.timezone ?? null);
}

function orderKeys(task: ImportedTask): ImportedTask {
  const { name, description, command, schedule, timezone, env } = task;
  return { name, description, command, schedule, ...(timezone === undefined ? {} : { timezone }), ...(env === undefined ? {} : { env }) };
}

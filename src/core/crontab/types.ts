// The vocabulary of a crontab import, shared by its steps (read -> parse -> convert). Pure data.
//
//   CrontabLine  - one numbered line of the file, as cron reads it.
//   CrontabEntry - what a line that counts is: an environment setting, a job, or a refusal.
//   ImportedTask - a job turned into a config task (the config's own field names).

/** User crontabs (`crontab -e`) have no user column; /etc/crontab and /etc/cron.d/* have one. */
export type CrontabFormat = 'user' | 'system';

export interface CrontabLine {
  /** 1-based, as an editor shows it. */
  readonly number: number;
  readonly text: string;
}

/** A job line read into its parts, before anything is converted. */
export interface CronJob {
  /** The 5 time fields, or a nickname such as `@daily` (alone). */
  readonly fields: readonly string[];
  /** The user column of a system crontab; null in a user crontab. */
  readonly user: string | null;
  /** The command as written, `%` and `\%` still in it. */
  readonly command: string;
}

export type CrontabEntry =
  | { readonly kind: 'env'; readonly line: number; readonly name: string; readonly value: string }
  | { readonly kind: 'job'; readonly line: number; readonly job: CronJob }
  | { readonly kind: 'refused'; readonly line: number; readonly reason: string };

/** A message about one line (or about the whole file when `line` is null). */
export interface LineMessage {
  readonly line: number | null;
  readonly message: string;
}

/** A config task made from one job line; only the fields an import sets. */
export interface ImportedTask {
  name: string;
  description: string;
  command: string;
  schedule: string;
  timezone?: string;
  env?: Record<string, string>;
}

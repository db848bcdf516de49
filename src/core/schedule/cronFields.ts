// The fields of a cron expression, in order, with the values each accepts: the table that
// checkCronField reads, so every range in a message comes from one place.

export interface CronField {
  /** The name a message uses for this field. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** How many values the field has: the largest step croner takes in it. */
  readonly values: number;
  /** Names accepted in place of numbers (upper case), and what a name is called in a message. */
  readonly names?: { readonly kind: string; readonly values: Readonly<Record<string, number>> };
}

const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const DAY_NAMES = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

export const SECOND: CronField = { name: 'second', min: 0, max: 59, values: 60 };
export const MINUTE: CronField = { name: 'minute', min: 0, max: 59, values: 60 };
export const HOUR: CronField = { name: 'hour', min: 0, max: 23, values: 24 };
export const DAY_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31, values: 31 };
export const MONTH: CronField = { name: 'month', min: 1, max: 12, values: 12, names: { kind: 'month', values: MONTH_NAMES } };
/** 0 and 7 are both Sunday, as in Vixie cron. */
export const DAY_OF_WEEK: CronField = { name: 'day-of-week', min: 0, max: 7, values: 7, names: { kind: 'day', values: DAY_NAMES } };

/** The fields of a 5-field expression; a 6-field one has SECOND in front. */
export const FIVE_FIELDS: readonly CronField[] = [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK];
export const SIX_FIELDS: readonly CronField[] = [SECOND, ...FIVE_FIELDS];

/** The nicknames the contract accepts, and what they stand for. */
export const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

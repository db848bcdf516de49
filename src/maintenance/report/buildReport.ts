// `report --since 7d`: the runs, failures, durations and cleanup actions of a period, from the
// home's history and the root's cleanup_actions.log, as one object (rendered as markdown or JSON).
import fs from 'node:fs';
import { readHomeConfig, readPeriodHistory } from '../../app/homeReaders.js';
import type { HomePaths } from '../../app/paths.js';
import { countActions, type ActionCounts } from './countActions.js';
import { summarizePeriod, type FailureItem, type TaskSummary, type Totals } from './summarizePeriod.js';
import { formatPeriod } from '../../core/format/duration.js';

export interface Report {
  generated_at: string;
  /** The period as asked, e.g. `7d`. */
  period: string;
  since: string;
  until: string;
  root: string;
  totals: Totals;
  tasks: TaskSummary[];
  /** The latest failed runs (at most FAILURES_LISTED), oldest first. */
  failures: FailureItem[];
  /** Failed runs of the period older than those listed (0 when all are). */
  failures_omitted: number;
  cleanup_actions: ActionCounts;
  /** What could not be read (no database, config refused ...). */
  notes: string[];
}

export interface ReportInput {
  paths: HomePaths;
  /** Real path of the root (where cleanup_actions.log is). */
  root: string;
  periodMs: number;
  /** The period as the user typed it (`7d`); made from periodMs when absent. */
  periodText?: string;
  now: number;
}

/** Failed runs listed in a report: the latest ones, so a long bad stretch does not bury the page (or the memory). */
export const FAILURES_LISTED = 200;

export async function buildReport(input: ReportInput): Promise<Report> {
  const sinceMs = input.now - input.periodMs;
  const notes: string[] = [];
  const known = configuredTasks(input.paths, notes);
  if (!fs.existsSync(input.paths.database)) notes.push(`no history database at ${input.paths.database} (nothing has run on this home yet)`);
  const aggregate = summarizePeriod(readPeriodHistory(input.paths, { sinceMs, untilMs: input.now, failureLimit: FAILURES_LISTED }), known);
  if (aggregate.failures_omitted > 0) notes.push(`${aggregate.failures_omitted} older failed runs of the period are not listed (the latest ${FAILURES_LISTED} are)`);
  const actions = await countActions(input.root, sinceMs, input.now);
  if (actions.note) notes.push(actions.note);
  return {
    generated_at: new Date(input.now).toISOString(),
    period: input.periodText ?? formatPeriod(input.periodMs),
    since: new Date(sinceMs).toISOString(),
    until: new Date(input.now).toISOString(),
    root: input.root,
    ...aggregate,
    cleanup_actions: actions,
    notes,
  };
}

/** The configured task names, so tasks that did not run at all show up; a bad config is a note. */
function configuredTasks(paths: HomePaths, notes: string[]): string[] {
  try {
    return readHomeConfig(paths).config.tasks.map((task) => task.name);
  } catch (error) {
    notes.push(`config not read, only tasks with history are listed: ${(error as Error).message}`);
    return [];
  }
}

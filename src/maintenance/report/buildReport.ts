// `report --since 7d`: the runs, failures, durations and cleanup actions of a period, from the
// home's history and the root's cleanup_actions.log, as one object (rendered as markdown or JSON).
import fs from 'node:fs';
import { readHistory, readHomeConfig } from '../../app/homeReaders.js';
import type { HomePaths } from '../../app/paths.js';
import { countActions, type ActionCounts } from './countActions.js';
import { aggregateRuns, type FailureItem, type TaskSummary, type Totals } from './aggregateRuns.js';
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
  failures: FailureItem[];
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

export async function buildReport(input: ReportInput): Promise<Report> {
  const sinceMs = input.now - input.periodMs;
  const notes: string[] = [];
  const known = configuredTasks(input.paths, notes);
  if (!fs.existsSync(input.paths.database)) notes.push(`no history database at ${input.paths.database} (nothing has run on this home yet)`);
  const rows = readHistory(input.paths, (store) => store.since(sinceMs)).filter((row) => Date.parse(row.started_at) <= input.now);
  const aggregate = aggregateRuns(rows, known);
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

// The cleanup actions of a period, counted from <root>/cleanup_actions.log, read leniently:
// one line per action, `<ISO time> <action> <outcome> <"path" or -> <detail>`; a line that
// does not read that way is counted as unparsed, never fatal. Streamed line by line.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { openRegular } from '../shared/openRegular.js';

export const ACTIONS_LOG = 'cleanup_actions.log';

export interface ActionCounts {
  file: string;
  /** False when there is no log (nothing was ever cleaned up here). */
  present: boolean;
  /** Why the log was not read, when it exists but could not be. */
  note: string | null;
  /** Actions in the period. */
  total: number;
  /** Lines that could not be read as an action (any time). */
  unparsed: number;
  /** action -> outcome -> count, for the period. */
  by_action: Record<string, Record<string, number>>;
}

export interface ParsedAction {
  at: number;
  action: string;
  outcome: string;
}

const WORD = /^[a-z][a-z0-9_-]*$/i;

/** One log line, or null when it does not read as an action. */
export function parseActionLine(line: string): ParsedAction | null {
  const [time, action, outcome] = line.trim().split(/\s+/, 3);
  if (!time || !action || !outcome || !/^\d{4}-\d{2}-\d{2}T/.test(time)) return null;
  const at = Date.parse(time);
  if (Number.isNaN(at) || !WORD.test(action) || !WORD.test(outcome)) return null;
  return { at, action, outcome };
}

/** Counts the actions of [sinceMs, untilMs] in the root's log. */
export async function countActions(root: string, sinceMs: number, untilMs: number): Promise<ActionCounts> {
  const file = path.join(root, ACTIONS_LOG);
  const counts: ActionCounts = { file, present: false, note: null, total: 0, unparsed: 0, by_action: {} };
  let fd: number;
  try {
    fd = openRegular(file, 'read');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return counts;
    counts.present = true;
    if (code === 'ELOOP' || code === 'ENOTREG') return { ...counts, note: `${file} is not a regular file; not read` };
    return { ...counts, note: `${file}: ${(error as Error).message}` };
  }
  counts.present = true;
  try {
    const lines = readline.createInterface({ input: fs.createReadStream(file, { fd, encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = parseActionLine(line);
      if (parsed === null) counts.unparsed += 1;
      else if (parsed.at >= sinceMs && parsed.at <= untilMs) add(counts, parsed);
    }
  } catch (error) {
    counts.note = `${file}: ${(error as Error).message}`;
  }
  return counts;
}

function add(counts: ActionCounts, parsed: ParsedAction): void {
  // Own keys only: an action named `constructor` must not reach Object.prototype.
  const outcomes = Object.hasOwn(counts.by_action, parsed.action) ? (counts.by_action[parsed.action] as Record<string, number>) : {};
  counts.by_action[parsed.action] = outcomes;
  outcomes[parsed.outcome] = (Object.hasOwn(outcomes, parsed.outcome) ? (outcomes[parsed.outcome] as number) : 0) + 1;
  counts.total += 1;
}

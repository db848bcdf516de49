// The crontab import as one pure step: read the text into lines, parse each line, convert the
// entries, and say how it went: every job line imported (`all`), some refused (`some`), or
// nothing to import (`none`: no job line, or every one refused). The command's exit code is
// made from that (0, 8, 1).
import { convertCrontab, type ConvertOptions, type Converted } from './convertCrontab.js';
import { parseCrontab } from './parseCrontab.js';
import { splitCrontabLines } from './splitLines.js';

export type ImportOutcome = 'all' | 'some' | 'none';

export interface CrontabImport extends Converted {
  readonly outcome: ImportOutcome;
}

/** The import of crontab `text`, or why the text is no crontab at all. */
export function importCrontab(text: string, options: ConvertOptions): CrontabImport | { readonly problem: string } {
  const split = splitCrontabLines(text);
  if ('problem' in split) return { problem: split.problem };
  const converted = convertCrontab(parseCrontab(split.lines, options.format), options);
  const imported = converted.tasks.length + converted.alreadyPresent;
  const outcome: ImportOutcome = imported === 0 ? 'none' : converted.refused.length > 0 ? 'some' : 'all';
  return { ...converted, notes: [...split.notes, ...converted.notes], outcome };
}

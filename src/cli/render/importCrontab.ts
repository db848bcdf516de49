// What import-crontab prints: every refused line and note on stderr in line order ("FILE: on
// line N: ..."), a summary, the config on stdout when there is no --output, and the exit code.
import type { ImportReport } from '../../app/importCrontab.js';
import { EXIT } from '../../core/errors.js';
import type { LineMessage } from '../../core/crontab/types.js';

export interface RenderedImport {
  stdout: string | null;
  stderr: string[];
  exitCode: number;
}

export function renderImport(report: ImportReport): RenderedImport {
  const { result, shown } = report;
  const at = (m: LineMessage) => (m.line === null ? `${shown}: ` : `${shown}: on line ${m.line}: `);
  const messages = [
    ...result.refused.map((m) => ({ line: m.line, text: `${at(m)}not imported: ${m.message}` })),
    ...result.notes.map((m) => ({ line: m.line, text: `${at(m)}note: ${m.message}` })),
  ].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const stderr = [...guessedFormat(report), ...messages.map((m) => m.text)];
  const tasks = result.tasks.length;
  const refused = result.refused.length;
  const notImported = refused === 0 ? '' : `; ${refused} line${refused === 1 ? '' : 's'} not imported`;
  const present = result.alreadyPresent === 0 ? '' : `; ${result.alreadyPresent} already there`;
  if (result.outcome === 'none') {
    stderr.push(`${shown}: nothing imported: ${refused === 0 ? 'it has no job lines' : 'no job line could be imported'}`);
    return { stdout: null, stderr, exitCode: EXIT.usage };
  }
  const exitCode = result.outcome === 'all' ? EXIT.ok : EXIT.taskFailed;
  const count = `${tasks} task${tasks === 1 ? '' : 's'}`;
  if (report.output !== null) {
    const did = report.written ? `added ${count} to ${report.written}` : `nothing added to ${report.output}`;
    stderr.push(`${shown}: ${did} (${report.format} crontab${notImported}${present})`);
    return { stdout: null, stderr, exitCode };
  }
  stderr.push(`${shown}: imported ${count} (${report.format} crontab${notImported})`);
  return { stdout: `${JSON.stringify(report.config, null, 2)}\n`, stderr, exitCode };
}

/** A system format chosen by the folder or by the content, not by cron's own paths, is said with its override. */
function guessedFormat(report: ImportReport): string[] {
  const why =
    report.formatBy === 'folder'
      ? 'its folder is named cron.d'
      : report.formatBy === 'content'
        ? 'every job line has a user of this system after its time fields'
        : null;
  return why === null ? [] : [`${report.shown}: read as a system crontab (a user column), as ${why}; --user reads it as a user crontab`];
}

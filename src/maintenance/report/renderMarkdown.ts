// `report --format markdown`: ready to paste into a pull request or a weekly mail.
import { formatDuration } from '../../core/format/duration.js';
import type { Report } from './buildReport.js';

export function renderReportMarkdown(report: Report): string {
  const lines = [`## Symphony conductor report: last ${report.period}`, '', `${day(report.since)} to ${day(report.until)}, root \`${report.root}\`.`, ''];
  lines.push(...summary(report), '');
  lines.push('### Failures', '');
  if (report.failures.length === 0) lines.push('None.');
  for (const f of report.failures) {
    const attempts = f.attempts > 1 ? ` after ${f.attempts} attempts` : '';
    const why = f.reason ?? (f.exit_code !== null ? `exit code ${f.exit_code}` : f.signal ?? 'no reason recorded');
    lines.push(`- ${day(f.started_at)} \`${f.task}\` ${f.status === 'timeout' ? 'timed out' : 'failed'}${attempts}: ${cell(why)} (run ${f.run_id})`);
  }
  if (report.failures_omitted > 0) lines.push(`- ... and ${report.failures_omitted} older failed run${report.failures_omitted === 1 ? '' : 's'}, not listed`);
  lines.push('', '### Cleanup actions', '', ...actions(report));
  if (report.notes.length > 0) lines.push('', '### Notes', '', ...report.notes.map((n) => `- ${cell(n)}`));
  return `${lines.join('\n')}\n`;
}

function summary(report: Report): string[] {
  const t = report.totals;
  if (t.runs === 0 && t.skipped === 0) return ['No runs in this period.'];
  const parts = [`${t.successes} succeeded`, `${t.failures} failed`, `${t.timeouts} timed out`];
  if (t.interrupted > 0) parts.push(`${t.interrupted} interrupted`);
  if (t.running > 0) parts.push(`${t.running} still running`);
  const lines = [`**${t.runs} run${t.runs === 1 ? '' : 's'}** (${t.attempts} attempts): ${parts.join(', ')}; ${t.skipped} skipped fire${t.skipped === 1 ? '' : 's'}.`, ''];
  lines.push('| Task | Runs | Succeeded | Failed | Timed out | Interrupted | Skipped | p50 | Max |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const s of report.tasks) {
    lines.push(`| \`${cell(s.task)}\` | ${s.runs} | ${s.successes} | ${s.failures} | ${s.timeouts} | ${s.interrupted} | ${s.skipped} | ${formatDuration(s.p50_duration_ms)} | ${formatDuration(s.max_duration_ms)} |`);
  }
  return lines;
}

function actions(report: Report): string[] {
  const a = report.cleanup_actions;
  if (!a.present) return [`No \`cleanup_actions.log\` in the root: no cleanup has run here.`];
  const lines: string[] = [];
  if (a.total === 0) lines.push('None in this period.');
  else {
    lines.push('| Action | Outcome | Count |', '|---|---|--:|');
    for (const [action, outcomes] of Object.entries(a.by_action).sort(([x], [y]) => x.localeCompare(y))) {
      for (const [outcome, count] of Object.entries(outcomes).sort(([x], [y]) => x.localeCompare(y))) lines.push(`| ${action} | ${outcome} | ${count} |`);
    }
  }
  if (a.unparsed > 0) lines.push('', `${a.unparsed} line${a.unparsed === 1 ? '' : 's'} of the log could not be read as actions.`);
  return lines;
}

/** ISO time to the minute, UTC: `2025-06-02 10:00 UTC`. */
function day(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Text safe inside a table cell or list item: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
}

// Text output of `automation-health`.
import { formatDuration } from '../../core/format/duration.js';
import type { AutomationHealthReport } from './automationHealth.js';

/** Columns padded to the widest cell, two spaces apart, no trailing blanks. */
export function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatAutomationHealth(report: AutomationHealthReport, file: string): string[] {
  const rows = report.tasks.map((t) => [
    t.name,
    t.level === 'ok' ? t.state : `${t.state} (${t.level})`,
    t.last_status ?? '-',
    formatDuration(t.age_seconds === null ? null : t.age_seconds * 1000),
    t.next_fire ?? '-',
    t.reason ?? '',
  ]);
  const { ok, warning, error } = report.summary;
  return [
    ...textTable(['TASK', 'STATE', 'LAST', 'AGE', 'NEXT FIRE (UTC)', 'WHY'], rows),
    '',
    `${report.tasks.length} tasks: ${ok} ok, ${warning} warning${warning === 1 ? '' : 's'}, ${error} error${error === 1 ? '' : 's'} at ${report.generated_at}`,
    `report written to ${file}`,
  ];
}

// Text output of `automation-health` (and the table and age helpers health-check shares).
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

/** An age for people: `45s`, `12m`, `3h 5m`, `2d 4h`. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

export function formatAutomationHealth(report: AutomationHealthReport, file: string): string[] {
  const rows = report.tasks.map((t) => [
    t.name,
    t.level === 'ok' ? t.state : `${t.state} (${t.level})`,
    t.last_status ?? '-',
    formatAge(t.age_seconds),
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

// Text output of `automation-health`.
import { formatDuration } from '../../core/format/duration.js';
import { renderTable } from '../../core/format/table.js';
import type { AutomationHealthReport } from './automationHealth.js';

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
    ...renderTable(['TASK', 'STATE', 'LAST', 'AGE', 'NEXT FIRE (UTC)', 'WHY'], rows),
    '',
    `${report.tasks.length} tasks: ${ok} ok, ${warning} warning${warning === 1 ? '' : 's'}, ${error} error${error === 1 ? '' : 's'} at ${report.generated_at}`,
    `report written to ${file}`,
  ];
}

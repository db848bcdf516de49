// `history` as a table. On a terminal: local times and how long ago (as `systemctl list-timers`),
// statuses in colour, fitted to its width. Piped: the same columns with ISO 8601 UTC times and no
// colour, as scripts have always read them.
import { formatDuration } from '../../core/format/duration.js';
import { renderTable } from '../../core/format/table.js';
import type { RunRecord } from '../../core/types.js';
import { colourOn, localTime, paint, passed, shortLocalTime, terminalWidth } from './terminal.js';

export function renderHistory(runs: RunRecord[], now: number): string {
  const tty = process.stdout.isTTY === true;
  const colour = colourOn();
  const workers = runs.some((r) => r.worker !== null);
  const columns: [string, (r: RunRecord) => string][] = [
    ['STARTED', (r) => (tty ? localTime(Date.parse(r.started_at)) : r.started_at)],
    ...(tty ? ([['PASSED', (r: RunRecord) => passed(Date.parse(r.started_at), now)]] as [string, (r: RunRecord) => string][]) : []),
    ['TASK', (r) => r.task],
    ['RUN', (r) => r.run_id],
    ['ATTEMPT', (r) => String(r.attempt)],
    ['TRIGGER', (r) => r.trigger],
    ['STATUS', (r) => r.status],
    ['EXIT', (r) => (r.exit_code === null ? '-' : String(r.exit_code))],
    ['TOOK', (r) => formatDuration(r.duration_ms)],
    // Which worker ran each attempt, when workers ran any (the queue executor).
    ...(workers ? ([['WORKER', (r: RunRecord) => r.worker ?? '-']] as [string, (r: RunRecord) => string][]) : []),
    ['REASON', (r) => r.reason ?? ''],
  ];
  const index = (name: string) => columns.findIndex(([column]) => column === name);
  const status = index('STATUS');
  const table = renderTable(
    columns.map(([name]) => name),
    runs.map((run) => columns.map(([, cell]) => cell(run))),
    {
      maxWidth: tty ? terminalWidth() : undefined,
      // The reason first; the task's name only when leaving columns out is not enough; never
      // the run id (logs --run needs it whole).
      shrink: [columns.length - 1],
      shrinkLast: [index('TASK')],
      // Then, on a narrow terminal, what the rest of the row says well enough; then the start
      // without weekday, year and zone, then how long it took (80 columns hold the rest).
      drop: [
        ...[index('PASSED'), index('TRIGGER'), index('ATTEMPT'), index('EXIT')].filter((i) => i >= 0),
        ...(tty ? [{ column: index('STARTED'), cells: runs.map((r) => shortLocalTime(Date.parse(r.started_at))) }] : []),
        index('TOOK'),
      ],
      paint: (row, column, text) => (row >= 0 && column === status ? paint(runs[row]?.status ?? '', text, colour) : text),
    },
  );
  return `${table.join('\n')}\n`;
}

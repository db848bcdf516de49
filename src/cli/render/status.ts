// The `status` table for people at a terminal (piped, status prints JSON): the daemon, each task
// with its next and last run as `systemctl list-timers` shows timers (local time, LEFT and
// PASSED in words), statuses in words and colour, the runs awaiting approval, recent results.
import type { StatusReport } from '../../app/status/statusReport.js';
import { formatDuration } from '../../core/format/duration.js';
import { renderTable } from '../../core/format/table.js';
import { left, localTime, paint, passed, shortLocalTime } from './terminal.js';

export interface TerminalOptions {
  now: number;
  colour: boolean;
  /** The terminal's width, to fit the tables into. */
  width?: number;
}

function executorLine(executor: NonNullable<StatusReport['executor']>): string {
  const head = `executor: ${executor.type}, ${executor.connected ? 'connected' : `NOT connected (${executor.reason ?? 'unknown'})`}`;
  if (executor.workers.length === 0) return `${head}; ${executor.connected ? 'no worker registered' : 'workers unknown while Redis is away'}`;
  const workers = executor.workers.map(
    (w) => `${w.name} [${w.queues.join(',')}] ${w.running} running, ${w.alive ? 'alive' : `last seen ${w.last_seen}`}`,
  );
  return `${head}; workers: ${workers.join('; ')}`;
}

export function renderStatus(report: StatusReport, options: TerminalOptions): string {
  const { daemon } = report;
  const { now, colour, width } = options;
  const since = daemon.since ? Date.parse(daemon.since) : null;
  const cluster = daemon.role === 'leader' ? ', leader of its cluster' : daemon.role === 'standby' ? `, standby (leader: ${daemon.leader ?? (daemon.cluster?.connected === false ? 'unknown' : 'none yet')})` : '';
  const lines = [
    daemon.running
      ? `daemon: ${paint('success', 'running', colour)} (pid ${daemon.pid ?? '?'}${since !== null ? `, since ${localTime(since)}, ${passed(since, now)}` : ''})${cluster}`
      : `daemon: ${paint('failed', 'not running', colour)}`,
  ];
  if (daemon.running && daemon.cluster && !daemon.cluster.connected) lines.push(`cluster: NOT connected (${daemon.cluster.reason ?? 'unknown'})`);
  if (report.executor) lines.push(executorLine(report.executor));
  lines.push('');
  const statuses: string[] = [];
  const rows = report.tasks.map((task) => {
    const next = task.next_run ? Date.parse(task.next_run) : null;
    const last = task.last_run;
    const lastAt = last ? Date.parse(last.started_at) : null;
    const state = task.paused ? 'paused' : (last?.status ?? '');
    statuses.push(state);
    return [
      task.name,
      task.enabled ? (task.schedule ?? (task.watch ? `(watch ${task.watch.path})` : '(no schedule)')) : 'disabled',
      next === null ? '-' : localTime(next),
      next === null ? '-' : left(next, now),
      lastAt === null ? '-' : localTime(lastAt),
      lastAt === null ? 'never' : passed(lastAt, now),
      task.paused ? `paused${last ? `, ${last.status}` : ''}` : last ? `${last.status}${last.exit_code === null ? '' : ` (${last.exit_code})`}` : '-',
      task.health ? `${task.health.status}:${task.health.exit_code ?? ''}` : '-',
    ];
  });
  // concat, not push(...): spreading one argument per task overflows the stack at ~130,000.
  const table = lines.concat(
    renderTable(['TASK', 'SCHEDULE', 'NEXT', 'LEFT', 'LAST', 'PASSED', 'STATUS', 'HEALTH'], rows, {
      maxWidth: width,
      // The task's name is cut last: the columns the others say well enough go first.
      shrink: [1, 7],
      drop: [7, 4, 2, 5],
      shrinkLast: [0],
      paint: (row, column, text) => (row >= 0 && column === 6 ? paint(statuses[row] ?? '', text, colour) : text),
    }),
  );
  const watched = report.tasks.filter((task) => task.watch);
  if (watched.length > 0) {
    table.push('', 'watched folders (files since the daemon started):');
    const rowsOfWatch = watched.map((task) => {
      const w = task.watch!;
      return [task.name, w.path, String(w.pending), String(w.running), String(w.processed), String(w.failed)];
    });
    table.push(...renderTable(['TASK', 'FOLDER', 'PENDING', 'RUNNING', 'PROCESSED', 'FAILED'], rowsOfWatch, { maxWidth: width, shrink: [1] }));
  }
  const budgeted = report.tasks.filter((task) => task.budget);
  if (budgeted.length > 0) {
    table.push('', 'budgets (today, UTC):');
    const rowsOfBudget = budgeted.map((task) => {
      const b = task.budget!;
      const runtime = `${formatDuration(b.runtime_used_s * 1000)}${b.max_runtime_per_day === null ? '' : ` of ${formatDuration(b.max_runtime_per_day * 1000)}`}`;
      return [task.name, `${b.runs_used}${b.max_runs_per_day === null ? '' : ` of ${b.max_runs_per_day}`}`, runtime];
    });
    table.push(...renderTable(['TASK', 'RUNS', 'RUNTIME'], rowsOfBudget, { maxWidth: width }));
  }
  if (report.awaiting_approval.length > 0) {
    table.push('', `${paint('awaiting_approval', 'awaiting approval', colour)} (symphony-conductor approve --run ID, or reject --run ID):`);
    const waiting = report.awaiting_approval.map((run) => [
      run.run_id,
      run.task,
      passed(Date.parse(run.since), now),
      run.expires_at ? left(Date.parse(run.expires_at), now) : '-',
      run.message ?? '',
    ]);
    table.push(...renderTable(['RUN', 'TASK', 'WAITING', 'EXPIRES', 'MESSAGE'], waiting, { maxWidth: width, shrink: [4] }));
  }
  if (report.recent_results.length > 0) {
    table.push('', 'recent results:');
    const recent = report.recent_results.slice(0, 10);
    // Which worker ran each attempt, when workers ran any (the queue executor), as history shows it.
    const workers = recent.some((run) => run.worker !== null);
    const rowsOfRecent = recent.map((run) => [
      localTime(Date.parse(run.started_at)),
      run.task,
      run.status,
      run.exit_code === null ? '-' : String(run.exit_code),
      formatDuration(run.duration_ms),
      ...(workers ? [run.worker ?? '-'] : []),
      run.reason ?? '',
    ]);
    const header = ['STARTED', 'TASK', 'STATUS', 'EXIT', 'TOOK', ...(workers ? ['WORKER'] : []), 'REASON'];
    table.push(
      ...renderTable(header, rowsOfRecent, {
        maxWidth: width,
        shrink: [header.length - 1, 1],
        drop: [3, { column: 0, cells: recent.map((run) => shortLocalTime(Date.parse(run.started_at))) }, 4],
        paint: (row, column, text) => (row >= 0 && column === 2 ? paint(recent[row]?.status ?? '', text, colour) : text),
      }),
    );
  }
  return `${table.join('\n')}\n`;
}

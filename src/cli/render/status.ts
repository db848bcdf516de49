// The `status` table for people.
import type { StatusReport } from '../../app/status/statusReport.js';
import { formatDuration } from '../../core/format/duration.js';
import { renderTable } from '../../core/format/table.js';

function executorLine(executor: NonNullable<StatusReport['executor']>): string {
  const head = `executor: ${executor.type}, ${executor.connected ? 'connected' : `NOT connected (${executor.reason ?? 'unknown'})`}`;
  if (executor.workers.length === 0) return `${head}; no worker registered`;
  const workers = executor.workers.map(
    (w) => `${w.name} [${w.queues.join(',')}] ${w.running} running, ${w.alive ? 'alive' : `last seen ${w.last_seen}`}`,
  );
  return `${head}; workers: ${workers.join('; ')}`;
}

export function renderStatus(report: StatusReport): string {
  const { daemon } = report;
  const cluster = daemon.role === 'leader' ? ', leader of its cluster' : daemon.role === 'standby' ? `, standby (leader: ${daemon.leader ?? 'none yet'})` : '';
  const lines = [
    daemon.running
      ? `daemon: running (pid ${daemon.pid ?? '?'}${daemon.since ? `, since ${daemon.since}` : ''})${cluster}`
      : 'daemon: not running',
  ];
  if (report.executor) lines.push(executorLine(report.executor));
  lines.push('');
  const rows = report.tasks.map((task) => [
    task.name,
    (task.enabled ? (task.schedule ?? '(after dependencies)') : 'disabled') + (task.paused ? ' (paused)' : ''),
    task.next_run ?? '-',
    task.last_run ? `${task.last_run.status} ${task.last_run.started_at}` : 'never',
    task.health ? `${task.health.status}:${task.health.exit_code ?? ''}` : '-',
  ]);
  // concat, not push(...): spreading one argument per task overflows the stack at ~130,000.
  const table = lines.concat(renderTable(['TASK', 'SCHEDULE', 'NEXT RUN (UTC)', 'LAST RUN', 'HEALTH'], rows));
  if (report.recent_results.length > 0) {
    table.push('', 'recent results:');
    const recent = report.recent_results.slice(0, 10).map((run) => [
      run.started_at,
      run.task,
      run.status,
      run.exit_code === null ? '-' : String(run.exit_code),
      formatDuration(run.duration_ms),
      run.reason ?? '',
    ]);
    table.push(...renderTable(['STARTED', 'TASK', 'STATUS', 'EXIT', 'TOOK', 'REASON'], recent));
  }
  return `${table.join('\n')}\n`;
}

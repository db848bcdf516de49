// Text output of `health-check`: one line per check, then every problem, worst first.
import type { HealthCheckResult } from './healthCheck.js';
import { formatPeriod } from '../../core/format/duration.js';

export function formatHealthCheck(result: HealthCheckResult): string[] {
  const errors = result.problems.filter((p) => p.level === 'error');
  const warnings = result.problems.filter((p) => p.level === 'warning');
  const t = result.temp_files;
  const states = new Map<string, number>();
  for (const task of result.tasks.tasks) if (task.name !== result.tasks.self) states.set(task.state, (states.get(task.state) ?? 0) + 1);
  const counted = [...states].map(([state, count]) => `${count} ${state.replace('_', ' ')}`).join(', ') || 'no tasks';
  const taskSummary = result.tasks.self ? `${counted} (${result.tasks.self}, this check, not judged)` : counted;
  const lines = [
    `Health check of ${result.root} at ${result.generated_at}: ${verdict(errors.length, warnings.length)}`,
    `  temp files  ${t.level.padEnd(7)}  ${t.count} older than ${formatPeriod(t.min_age_seconds * 1000)} (limit ${t.max})${t.examples.length > 0 ? `, e.g. ${t.examples.slice(0, 3).join(', ')}` : ''}`,
    `  tasks       ${result.tasks.level.padEnd(7)}  ${taskSummary}`,
    `  disk        ${result.disk.level.padEnd(7)}  ${result.disk.message}`,
  ];
  for (const problem of [...errors, ...warnings]) lines.push(`${problem.level === 'error' ? 'ERROR' : 'warning'}: ${problem.check}: ${problem.message}`);
  return lines;
}

function verdict(errors: number, warnings: number): string {
  if (errors > 0) return `${errors} problem${errors === 1 ? '' : 's'}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
  if (warnings > 0) return `ok with ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return 'ok';
}

// Progress lines of a foreground run, for people.
import type { RunEvent } from '../../engine/context.js';
import type { DagOutcome } from '../../engine/runDag.js';
import { formatDuration } from '../../core/format/duration.js';

export function renderRunEvent(event: RunEvent): string {
  switch (event.type) {
    case 'attempt-start':
      return `-> ${event.task}: started (run ${event.run_id}, attempt ${event.attempt}, pid ${event.pid})\n`;
    case 'attempt-end': {
      const took = formatDuration(event.duration_ms);
      if (event.status === 'success') return `ok ${event.task}: succeeded in ${took}\n`;
      const retry = event.retry_in_ms !== null ? `; retrying in ${formatDuration(event.retry_in_ms)}` : '';
      return `!! ${event.task}: ${event.status} after ${took}${event.status === 'timeout' ? '' : `: ${event.reason ?? ''}`}${retry}\n`;
    }
    case 'skipped':
      return `-- ${event.task}: skipped: ${event.reason}\n`;
  }
}

export function renderOutcomes(outcomes: DagOutcome[], interruptedBy: string | null): string {
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const parts = [`${count('success')} succeeded`];
  for (const status of ['failed', 'timeout', 'skipped', 'interrupted']) {
    const n = count(status);
    if (n > 0) parts.push(`${n} ${status === 'timeout' ? 'timed out' : status}`);
  }
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'timeout');
  const hint = failed.length > 0 ? `\nsee the output with: symphony-conductor logs --task ${(failed[0] as DagOutcome).task}` : '';
  return `${interruptedBy ? `${interruptedBy}; ` : ''}${parts.join(', ')}${hint}\n`;
}

// Progress lines of a foreground run, for people.
import { formatDuration } from '../../core/format/duration.js';
import { visible } from '../../core/format/visible.js';
import type { DagOutcome } from '../../engine/dagSession.js';
import type { ProgressEvent } from '../../app/runForeground.js';

/** The task, and for a watch task's once-mode the file its run works on: `process_intent (a.json)`. */
function subject(event: ProgressEvent): string {
  return event.file === undefined ? event.task : `${event.task} (${visible(event.file)})`;
}

export function renderRunEvent(event: ProgressEvent): string {
  switch (event.type) {
    case 'run.queued':
      // Only a run that did not start at once says why it waits (the engine's own event comes
      // before every start: a line for each task of `run --all` would say nothing).
      return event.reason ? `.. ${subject(event)}: queued (${event.reason})\n` : '';
    case 'run.awaiting_approval':
      return `.. ${subject(event)}: awaiting approval${event.message ? ` (${visible(event.message)})` : ''}: symphony-conductor approve --run ${event.run_id} (or reject); it gives up at ${new Date(event.expires_at).toISOString()}\n`;
    case 'attempt.started':
      return `-> ${subject(event)}: started (run ${event.run_id}, attempt ${event.attempt}, ${event.label})\n`;
    case 'attempt.ended': {
      const took = formatDuration(event.duration_ms);
      if (event.status === 'success') return `ok ${subject(event)}: succeeded in ${took}\n`;
      const retry = event.retry_in_ms !== null ? `; retrying in ${formatDuration(event.retry_in_ms)}` : '';
      // A timeout's reason starts with what the line says already (timed out after N s): only what follows it is added.
      const reason = event.status === 'timeout' ? (event.reason ?? '').replace(/^timed out after [^;]*(; )?/, '') : (event.reason ?? '');
      return `!! ${subject(event)}: ${event.status} after ${took}${reason ? `: ${visible(reason)}` : ''}${retry}\n`;
    }
    case 'run.ended':
      if (event.status === 'skipped' || (event.status === 'cancelled' && event.attempts === 0)) return `-- ${subject(event)}: ${event.status}: ${visible(event.reason ?? '')}\n`;
      // Refused before its command could start (a watched file that is not valid JSON).
      if (event.status === 'failed' && event.attempts === 0) return `!! ${subject(event)}: failed: ${visible(event.reason ?? '')}\n`;
      return '';
    default:
      return '';
  }
}

/** The summary line of a foreground run; `notRun`: the tasks `run --all` left out, and why. */
export function renderOutcomes(outcomes: DagOutcome[], interruptedBy: string | null, notRun: [string, string][] = []): string {
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const parts = [`${count('success')} succeeded`];
  for (const status of ['failed', 'timeout', 'skipped', 'interrupted', 'cancelled']) {
    const n = count(status);
    if (n > 0) parts.push(`${n} ${status === 'timeout' ? 'timed out' : status}`);
  }
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'timeout');
  const hint = failed.length > 0 ? `\nsee the output with: symphony-conductor logs --task ${(failed[0] as DagOutcome).task}` : '';
  const left = notRun.map(([task, why]) => `\nnot run: ${task} ${why}`).join('');
  return `${interruptedBy ? `${interruptedBy}; ` : ''}${parts.join(', ')}${left}${hint}\n`;
}

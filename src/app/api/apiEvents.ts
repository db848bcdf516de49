// The engine's run events as the API streams them (SSE `run` events): the event's own fields,
// a `status` for every one (queued, waiting, running, or how the attempt or run ended), an
// `attempt` (null before the first), and times as ISO 8601 UTC.
import type { RunEvent } from '../../engine/events.js';
import type { ApiEvent } from '../../ports/daemonApi.js';

const TIME_FIELDS = ['at', 'fire_at', 'until', 'expires_at'] as const;

export function toApiEvent(event: RunEvent): ApiEvent {
  const data: Record<string, unknown> = { ...event };
  for (const field of TIME_FIELDS) {
    const value = data[field];
    if (typeof value === 'number') data[field] = new Date(value).toISOString();
  }
  switch (event.type) {
    case 'run.queued':
      Object.assign(data, { status: 'queued', attempt: null });
      break;
    case 'run.waiting':
      Object.assign(data, { status: 'waiting', attempt: null });
      break;
    case 'run.awaiting_approval':
      Object.assign(data, { status: 'awaiting_approval', attempt: null });
      break;
    case 'attempt.started':
      data.status = 'running';
      break;
    case 'run.ended':
      data.attempt = event.attempts === 0 ? null : event.attempts;
      break;
    default:
      break;
  }
  return { kind: 'run', data: data as Extract<ApiEvent, { kind: 'run' }>['data'] };
}

// Which run endings are worth a notification: a failure for good, a timeout, and the first
// success after a failure (recovery). Slack-compatible `text` plus structured fields.
import type { RunStatus } from '../types.js';

export interface RunEnding {
  task: string;
  run_id: string;
  status: RunStatus;
  exit_code: number | null;
  reason: string | null;
  attempts: number;
}

export interface Notification extends RunEnding {
  text: string;
  event: 'failure' | 'timeout' | 'recovery' | 'approval_needed';
  host: string;
  at: string;
}

const BAD: ReadonlySet<RunStatus> = new Set(['failed', 'timeout']);

export function notificationFor(ending: RunEnding, previous: RunStatus | null, host: string, now: number): Notification | null {
  let event: Notification['event'];
  let text: string;
  if (ending.status === 'failed') {
    event = 'failure';
    text = `:x: symphony-conductor on ${host}: task ${ending.task} failed after ${ending.attempts} attempt(s): ${ending.reason ?? ''}`;
  } else if (ending.status === 'timeout') {
    event = 'timeout';
    text = `:hourglass: symphony-conductor on ${host}: task ${ending.task} timed out after ${ending.attempts} attempt(s): ${ending.reason ?? ''}`;
  } else if (ending.status === 'success' && previous !== null && BAD.has(previous)) {
    event = 'recovery';
    text = `:white_check_mark: symphony-conductor on ${host}: task ${ending.task} recovered (succeeded after a ${previous === 'timeout' ? 'timeout' : 'failure'})`;
  } else {
    return null;
  }
  return { text: text.trim(), event, ...ending, host, at: new Date(now).toISOString() };
}

/** A run waits for an operator's decision (the task has `approval`): tell someone who can decide. */
export function approvalNotification(
  waiting: { task: string; run_id: string; message: string | null; expires_at: number },
  host: string,
  now: number,
): Notification & { expires_at: string } {
  const expires = new Date(waiting.expires_at).toISOString();
  const text = `:raised_hand: symphony-conductor on ${host}: task ${waiting.task} awaits approval${waiting.message ? ` (${waiting.message})` : ''}; approve or reject it before ${expires}: symphony-conductor approve --run ${waiting.run_id}`;
  return {
    text,
    event: 'approval_needed',
    task: waiting.task,
    run_id: waiting.run_id,
    status: 'awaiting_approval',
    exit_code: null,
    reason: waiting.message,
    attempts: 0,
    host,
    at: new Date(now).toISOString(),
    expires_at: expires,
  };
}

// Posts notifications to the webhook: bounded time per try, a few tries with backoff, never
// awaited by the scheduler; a delivery that fails for good is logged. A storm of failures of one
// task is one delivery in flight plus the latest one pending (the ones in between are coalesced:
// a hook that hangs must not pile up requests), and shutdown waits for deliveries at most
// SHUTDOWN_WAIT_MS, then abandons them (logged): a hook that never answers cannot hold the
// daemon's stop past the unit's TimeoutStopSec.
import type { Notification } from '../core/notify/notificationFor.js';
import type { Logger } from '../ports/logger.js';

/** How long shutdown waits for deliveries under way before abandoning them. */
export const SHUTDOWN_WAIT_MS = 2000;

export interface Notifier {
  send(notification: Notification): void;
  /**
   * Resolves when every delivery under way has ended, or after `maxWaitMs` (default
   * SHUTDOWN_WAIT_MS), when what is left is abandoned and logged (for shutdown and tests).
   */
  settle(maxWaitMs?: number): Promise<void>;
}

interface TaskQueue {
  /** The latest notification of the task that waits for the one in flight. */
  pending: Notification | null;
  /** Notifications replaced by a newer one while they waited. */
  coalesced: number;
  done: Promise<void>;
}

export function createWebhookNotifier(
  url: string,
  logger: Logger,
  options: { timeoutMs?: number; tries?: number; backoffMs?: number } = {},
): Notifier {
  const timeoutMs = options.timeoutMs ?? 5000;
  const tries = options.tries ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const queues = new Map<string, TaskQueue>();
  const closing = new AbortController();

  const deliver = async (notification: Notification, coalesced: number) => {
    let lastError = '';
    for (let attempt = 1; attempt <= tries && !closing.signal.aborted; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(notification),
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
        });
        await response.body?.cancel();
        if (response.ok) {
          logger.info({ task: notification.task, event: notification.event, ...(coalesced > 0 ? { coalesced } : {}) }, 'notification delivered');
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < tries) await pause(backoffMs * 2 ** (attempt - 1), closing.signal);
    }
    if (closing.signal.aborted) return; // said once, by settle()
    logger.warn({ task: notification.task, event: notification.event, error: lastError, tries, ...(coalesced > 0 ? { coalesced } : {}) }, 'notification not delivered');
  };

  /** Delivers one task's notifications one at a time; a newer one waiting replaces the older. */
  const drain = async (task: string, first: Notification, queue: TaskQueue) => {
    let next: Notification | null = first;
    let coalesced = 0;
    while (next && !closing.signal.aborted) {
      await deliver(next, coalesced);
      next = queue.pending;
      coalesced = queue.coalesced;
      queue.pending = null;
      queue.coalesced = 0;
    }
    queues.delete(task);
  };

  return {
    send(notification) {
      if (closing.signal.aborted) return;
      const queue = queues.get(notification.task);
      if (queue) {
        if (queue.pending) queue.coalesced++;
        queue.pending = notification;
        return;
      }
      const fresh: TaskQueue = { pending: null, coalesced: 0, done: Promise.resolve() };
      queues.set(notification.task, fresh);
      fresh.done = drain(notification.task, notification, fresh);
    },
    async settle(maxWaitMs = SHUTDOWN_WAIT_MS) {
      const all = () => Promise.all([...queues.values()].map((q) => q.done));
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        all().then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), maxWaitMs))),
      ]);
      clearTimeout(timer);
      if (!late) return;
      const tasks = [...queues.keys()];
      const waiting = [...queues.values()].reduce((n, q) => n + (q.pending ? 1 : 0), 0);
      closing.abort();
      logger.warn(
        { tasks, in_flight: tasks.length, pending: waiting, waited_ms: maxWaitMs },
        'notifications still being delivered were abandoned: the daemon does not wait longer for the webhook',
      );
      await all();
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

// Posts notifications to the webhook: bounded time per try, a few tries with backoff, never
// awaited by the scheduler; a delivery that fails for good is logged.
import type { Notification } from '../core/notify/notificationFor.js';
import type { Logger } from '../ports/logger.js';

export interface Notifier {
  send(notification: Notification): void;
  /** Resolves when every delivery under way has ended (for shutdown and tests). */
  settle(): Promise<void>;
}

export function createWebhookNotifier(
  url: string,
  logger: Logger,
  options: { timeoutMs?: number; tries?: number; backoffMs?: number } = {},
): Notifier {
  const timeoutMs = options.timeoutMs ?? 5000;
  const tries = options.tries ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const pending = new Set<Promise<void>>();

  const deliver = async (notification: Notification) => {
    let lastError = '';
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(notification),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          logger.info({ task: notification.task, event: notification.event }, 'notification delivered');
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < tries) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    }
    logger.warn({ task: notification.task, event: notification.event, error: lastError, tries }, 'notification not delivered');
  };

  return {
    send(notification) {
      const delivery = deliver(notification).finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async settle() {
      await Promise.all([...pending]);
    },
  };
}

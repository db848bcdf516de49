// Closing a BullMQ object waits for its connection to be ready, which never happens while Redis
// is away: a conductor or worker stopping then would hang, its reconnection timers keeping the
// process alive. Each close gets a bound, after which the object's Redis clients are dropped.
// BullMQ offers no public way to drop a connection that never became ready (its disconnect()
// waits for readiness too), so this reaches its RedisConnection's client: the one place that
// knows BullMQ's insides, checked by the outage tests.
// A RedisConnection closed while it still initializes (Redis just came back: its version check
// waits in the client's queue) rejects that check once the client is disconnected, and emits the
// rejection as 'error' after its close removed every listener: an EventEmitter then throws, and
// the unhandled rejection stopped a daemon told to stop (exit 1) a moment after Redis came back.
// An 'error' nobody listens to any more is dropped.
import type { EventEmitter } from 'node:events';

const CLOSE_MS = 2000;

interface Closable {
  close(): Promise<unknown>;
}

export async function closeWithin(closable: Closable, close: () => Promise<unknown> = () => closable.close(), ms = CLOSE_MS): Promise<void> {
  quietAfterClose(closable);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const closed = close().then(
    () => 'closed' as const,
    () => 'closed' as const,
  );
  const how = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (how === 'late') dropConnections(closable);
}

/** Disconnects the Redis clients of a BullMQ Queue, QueueEvents or Worker at once (no reconnection). */
export function dropConnections(bullmqObject: object): void {
  for (const key of ['connection', 'blockingConnection']) {
    const connection = (bullmqObject as Record<string, { _client?: { disconnect?: () => void } } | undefined>)[key];
    try {
      connection?._client?.disconnect?.();
    } catch {
      // already gone
    }
  }
}

/** Makes the RedisConnections of a BullMQ object drop an 'error' that no listener is left for (after their close), instead of throwing it. */
export function quietAfterClose(bullmqObject: object): void {
  for (const key of ['connection', 'blockingConnection']) {
    const connection = (bullmqObject as Record<string, unknown>)[key] as EventEmitter | undefined;
    if (!connection || typeof connection.emit !== 'function' || typeof connection.listenerCount !== 'function') continue;
    const emit = connection.emit.bind(connection);
    connection.emit = (event: string | symbol, ...args: unknown[]) => (event === 'error' && connection.listenerCount('error') === 0 ? false : emit(event, ...args));
  }
}

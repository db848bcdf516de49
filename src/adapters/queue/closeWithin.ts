// Closing a BullMQ object waits for its connection to be ready, which never happens while Redis
// is away: a conductor or worker stopping then would hang, its reconnection timers keeping the
// process alive. Each close gets a bound, after which the object's Redis clients are dropped.
// BullMQ offers no public way to drop a connection that never became ready (its disconnect()
// waits for readiness too), so this reaches its RedisConnection's client: the one place that
// knows BullMQ's insides, checked by the outage tests.
const CLOSE_MS = 2000;

interface Closable {
  close(): Promise<unknown>;
}

export async function closeWithin(closable: Closable, close: () => Promise<unknown> = () => closable.close(), ms = CLOSE_MS): Promise<void> {
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

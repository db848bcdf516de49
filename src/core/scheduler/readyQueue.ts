// The order runs leave the queue for a free slot: by fire (or request) instant, then DAG order,
// then arrival. A sorted array with binary insertion: the queue is short (bounded by the tasks).

export interface QueueKey {
  /** The fire instant, or the request instant for runs with no fire (ms). */
  at: number;
  /** The task's position in the DAG order. */
  order: number;
}

/** Inserts `item` after every item that sorts before or equal to it (stable). */
export function enqueueInOrder<T>(queue: T[], item: T, key: (item: T) => QueueKey): void {
  const k = key(item);
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const other = key(queue[mid] as T);
    if (other.at < k.at || (other.at === k.at && other.order <= k.order)) low = mid + 1;
    else high = mid;
  }
  queue.splice(low, 0, item);
}

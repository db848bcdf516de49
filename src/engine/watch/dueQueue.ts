// The instants at which files must be looked at again (a binary min-heap): thousands of files
// dropped at once wait for their settle time on one timer, not one timer each.

export class DueQueue<T> {
  private readonly heap: { due: number; item: T }[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest due instant, or null when empty. */
  peek(): number | null {
    return this.heap[0]?.due ?? null;
  }

  push(due: number, item: T): void {
    const heap = this.heap;
    heap.push({ due, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as { due: number }).due <= due) break;
      [heap[i], heap[parent]] = [heap[parent] as { due: number; item: T }, heap[i] as { due: number; item: T }];
      i = parent;
    }
  }

  /** Removes and returns every item due at or before `now`, earliest first. */
  popDue(now: number): T[] {
    const out: T[] = [];
    while (this.heap.length > 0 && (this.heap[0] as { due: number }).due <= now) out.push(this.pop());
    return out;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private pop(): T {
    const heap = this.heap;
    const top = heap[0] as { due: number; item: T };
    const last = heap.pop() as { due: number; item: T };
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && (heap[left] as { due: number }).due < (heap[smallest] as { due: number }).due) smallest = left;
        if (right < heap.length && (heap[right] as { due: number }).due < (heap[smallest] as { due: number }).due) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as { due: number; item: T }, heap[i] as { due: number; item: T }];
        i = smallest;
      }
    }
    return top.item;
  }
}

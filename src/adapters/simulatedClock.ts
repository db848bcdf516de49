// Time for `simulate`: a clock that jumps from one timer to the next instead of waiting, so a
// year of the daemon's timers passes in seconds. Between two timers every pending promise
// continuation runs (as between two real timer callbacks), so the engine behaves as it does live.
import type { Clock } from '../ports/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class SimulatedClock implements Clock {
  private wall: number;
  private seq = 0;
  private readonly heap: Timer[] = [];

  constructor(start: number) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  /** A simulation never steps: monotonic time is the wall clock. */
  monotonic(): number {
    return this.wall;
  }

  at(at: number, fn: () => void): () => void {
    const timer: Timer = { at: Math.max(at, this.wall), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Runs every timer due up to `end`, in order, then stands at `end`. */
  async runUntil(end: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.peek();
      if (!next || next.at > end) break;
      this.pop();
      if (next.at > this.wall) this.wall = next.at;
      next.fn();
      await settle();
    }
    if (end > this.wall) this.wall = end;
  }

  private peek(): Timer | undefined {
    while (this.heap.length > 0 && (this.heap[0] as Timer).cancelled) this.pop();
    return this.heap[0];
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Timer, heap[parent] as Timer)) break;
      [heap[i], heap[parent]] = [heap[parent] as Timer, heap[i] as Timer];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left] as Timer, heap[smallest] as Timer)) smallest = left;
        if (right < heap.length && before(heap[right] as Timer, heap[smallest] as Timer)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as Timer, heap[i] as Timer];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every promise continuation queued so far run (and those they queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// A clock for scheduling tests: wall time and monotonic time advance together, unless the wall
// clock is stepped (NTP, a manual change). Timers wait on monotonic time for the delay they
// had when armed, as the real clock adapter's do.
import type { Clock } from '../../src/ports/clock.js';

interface Timer {
  dueMono: number;
  fn: () => void;
  seq: number;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: number | string) {
    this.wall = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  at(at: number, fn: () => void): () => void {
    const timer: Timer = { dueMono: this.mono + Math.max(0, at - this.wall), fn, seq: this.seq++, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Lets promise chains settle (processes "exit", runs get recorded). */
  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Advances both clocks by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const endMono = this.mono + ms;
    await this.settle();
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: Timer | undefined;
      for (const t of this.timers) {
        if (t.dueMono <= endMono && (!next || t.dueMono < next.dueMono || (t.dueMono === next.dueMono && t.seq < next.seq))) {
          next = t;
        }
      }
      if (!next) break;
      if (next.dueMono > this.mono) {
        this.wall += next.dueMono - this.mono;
        this.mono = next.dueMono;
      }
      next.cancelled = true;
      next.fn();
      await this.settle();
    }
    this.wall += endMono - this.mono;
    this.mono = endMono;
    await this.settle();
  }

  /**
   * Both clocks advance by `ms`, but no timer runs until the end: the event loop was blocked
   * (a slow request), so every timer due meanwhile fires late, at once.
   */
  async advanceBlocked(ms: number): Promise<void> {
    this.wall += ms;
    this.mono += ms;
    await this.advance(0);
  }

  async advanceTo(wall: number | string): Promise<void> {
    const target = typeof wall === 'string' ? Date.parse(wall) : wall;
    await this.advance(Math.max(0, target - this.wall));
  }

  /** Steps the wall clock only (monotonic time does not move). */
  step(ms: number): void {
    this.wall += ms;
  }
}

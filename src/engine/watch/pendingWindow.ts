// The ready files of one watch task, in arrival order, without holding them all: a window of at
// most WINDOW rows in memory, the rest read from watch_files as the window empties. A row handed
// out stays `taken` until its run is asked for and ends (or it is let go), so no file is handed
// out twice; a pending row the window does not hold (an interrupted run, one from before a
// restart, one that arrived while the window was full) is found by moving the cursor back.
import type { WatchFileRow, WatchFileStore } from '../../ports/watchFileStore.js';

/** Ready files held in memory; the rest wait as rows. */
export const WINDOW = 512;

export class PendingWindow {
  private readonly rows: WatchFileRow[] = [];
  private readonly taken = new Set<number>();
  private cursor = 0;
  private more = true;

  constructor(
    private readonly store: WatchFileStore,
    private readonly task: string,
    /** Which pending rows of the task this window hands out (default: all of them). */
    private readonly accept: (row: WatchFileRow) => boolean = () => true,
  ) {}

  /** New pending rows, oldest first: held when there is room and nothing older waits in the table. */
  add(rows: readonly WatchFileRow[]): void {
    for (const row of rows) {
      if (this.rows.length < WINDOW && !this.more && row.id > this.cursor) {
        this.rows.push(row);
        this.taken.add(row.id);
        this.cursor = row.id;
      } else this.reread(row);
    }
  }

  /** A pending row the window does not hold: the next refill reads it. */
  reread(row: WatchFileRow): void {
    this.more = true;
    this.cursor = Math.min(this.cursor, row.id - 1);
  }

  /** The oldest ready file not handed out yet, or null. */
  next(): WatchFileRow | null {
    if (this.rows.length === 0 && this.more) {
      const rows = this.store.pendingAfter(this.task, this.cursor, WINDOW);
      this.more = rows.length === WINDOW;
      for (const row of rows) {
        this.cursor = Math.max(this.cursor, row.id);
        if (this.taken.has(row.id) || !this.accept(row)) continue;
        this.rows.push(row);
        this.taken.add(row.id);
      }
    }
    return this.rows.shift() ?? null;
  }

  /** A row handed out by `next` (or adopted) is no longer held: its run ended, or it was let go. */
  release(id: number): void {
    this.taken.delete(id);
  }

  /** A row handed out elsewhere (a run picked up from before a restart). */
  hold(id: number): void {
    this.taken.add(id);
  }

  /** Is a file of this name in the window (not yet handed out)? */
  holds(key: (row: WatchFileRow) => boolean): boolean {
    return this.rows.some(key);
  }
}

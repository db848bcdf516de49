// An attempt's row learns its process (handle) and worker when the executor says it started. A
// hundred fires on one second start a hundred attempts in one turn of the event loop: their rows
// are updated in one commit at the end of that turn, not in a hundred. Nothing else writes the
// row in between: the attempt's end writes the rows still pending first, in its own commit.
// When what the executor starts dies with this conductor (the spawn helper), the handle is only
// recovery's second line: it waits up to LAZY_MS for a commit that is made anyway (the end of a
// short attempt, most often), instead of a commit of its own for each start. An attempt that
// ends while its own row still waits takes it (`take`): its end's statement writes it too.
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/runStore.js';

type Started = [id: number, handle: string | null, worker: string | null, at: number];

/** How long a lazy started row may wait for another commit to take it. */
export const LAZY_MS = 100;

class StartedRows {
  private pending: Started[] = [];
  /** The ids of the pending rows that wait lazily (a running row's handle and worker). */
  private readonly lazy = new Set<number>();
  private tick = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly logger: Logger,
  ) {}

  add(row: Started, lazy = false): void {
    this.pending.push(row);
    if (lazy) this.lazy.add(row[0]);
    if (!lazy) {
      if (!this.tick) process.nextTick(() => this.flush());
      this.tick = true;
    } else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), LAZY_MS);
    }
  }

  /** The lazy start notice of attempt row `id`, taken out of the list (its end writes it), or null. */
  take(id: number): { handle: string | null; worker: string | null } | null {
    if (!this.lazy.delete(id)) return null;
    const at = this.pending.findIndex((row) => row[0] === id);
    if (at < 0) return null;
    const [, handle, worker] = this.pending[at] as Started;
    this.pending.splice(at, 1);
    return { handle, worker };
  }

  flush(): void {
    this.tick = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lazy.clear();
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      this.store.batch(() => {
        for (const [id, handle, worker, at] of rows) this.store.attemptStarted(id, handle, worker, at);
      });
    } catch (error) {
      this.logger.error({ err: (error as Error).message, attempts: rows.length }, 'cannot record that attempts started');
    }
  }
}

const byStore = new WeakMap<RunStore, StartedRows>();

/** The pending started rows of `store` (one list per store, shared by every run writing to it). */
export function startedRows(
  store: RunStore,
  logger: Logger,
): { add(row: Started, lazy?: boolean): void; take(id: number): { handle: string | null; worker: string | null } | null; flush(): void } {
  let rows = byStore.get(store);
  if (!rows) {
    rows = new StartedRows(store, logger);
    byStore.set(store, rows);
  }
  return rows;
}

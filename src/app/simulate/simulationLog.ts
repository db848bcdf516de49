// What `simulate` prints, read off the engine's events: every request of a run (a fire, a
// dependency trigger) at its instant, what it waited on, and how it came out. The same reading
// of the same events serves the test that runs the daemon on a fake clock and compares.
import type { Trigger } from '../../core/types.js';
import type { EventBus } from '../../engine/events.js';

/** `pending`: still queued or waiting when the window ends. */
export type SimulatedOutcome = 'run' | 'skipped' | 'timeout' | 'cancelled' | 'interrupted' | 'failed' | 'pending';

export interface SimulatedFire {
  /** The fire instant, or the instant the run was asked for (ms). */
  at: number;
  task: string;
  trigger: Trigger;
  /** The dependencies it waited on before it ran or was skipped. */
  waits_on: string[];
  outcome: SimulatedOutcome;
  reason: string | null;
  /** When its first attempt started and its run ended (ms), or null when it never ran. */
  start: number | null;
  end: number | null;
}

interface Pending extends SimulatedFire {
  done: boolean;
}

/**
 * Collects the fires in the order of their instants and hands each to `emit` once it is final
 * (its run ended) and every earlier one was handed over: memory holds only the runs in flight.
 */
/** The reason of a fire still awaiting its approval at the end of the window. */
export const AWAITING_APPROVAL = 'awaiting approval';

export function recordSimulation(events: EventBus, emit: (fire: SimulatedFire) => void, now: () => number): { flush(): void } {
  const byRun = new Map<string, Pending>();
  // A queue read from `head` (a run that waits for hours holds everything after it back).
  let order: Pending[] = [];
  let head = 0;
  const open = (runId: string, fields: Omit<Pending, 'done' | 'waits_on' | 'outcome' | 'reason' | 'start' | 'end'>): Pending => {
    let entry = byRun.get(runId);
    if (!entry) {
      entry = { ...fields, waits_on: [], outcome: 'run', reason: null, start: null, end: null, done: false };
      byRun.set(runId, entry);
      order.push(entry);
    }
    return entry;
  };
  const drain = () => {
    while (head < order.length && (order[head] as Pending).done) {
      const { done, ...fire } = order[head++] as Pending;
      void done;
      emit(fire);
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
  };
  events.on('run.queued', (e) => void open(e.run_id, { at: e.fire_at ?? e.at, task: e.task, trigger: e.trigger }));
  events.on('run.waiting', (e) => {
    const entry = open(e.run_id, { at: e.fire_at ?? now(), task: e.task, trigger: e.trigger });
    if (!entry.waits_on.includes(e.on)) entry.waits_on.push(e.on);
  });
  // Opened when it starts to wait (at its fire), so that it keeps its place among the fires, and
  // one still waiting when the window closes is listed, pending, as a dependency wait is.
  events.on('run.awaiting_approval', (e) => {
    const entry = open(e.run_id, { at: e.at, task: e.task, trigger: e.trigger });
    entry.reason = AWAITING_APPROVAL;
  });
  events.on('attempt.started', (e) => {
    const entry = open(e.run_id, { at: e.fire_at ?? e.at, task: e.task, trigger: e.trigger });
    entry.start ??= e.at;
    if (entry.reason === AWAITING_APPROVAL) entry.reason = null;
  });
  events.on('run.ended', (e) => {
    const entry = open(e.run_id, { at: e.fire_at ?? now(), task: e.task, trigger: e.trigger });
    entry.outcome = e.status === 'success' ? 'run' : e.status;
    entry.reason = e.status === 'success' ? null : e.reason;
    entry.end = e.status === 'skipped' ? null : now();
    entry.done = true;
    byRun.delete(e.run_id);
    drain();
  });
  return {
    /** Hands over what is still open at the end of the window, as it stands. */
    flush() {
      for (const entry of order.slice(head)) {
        if (!entry.done && entry.start === null) entry.outcome = 'pending';
        entry.done = true;
      }
      drain();
    },
  };
}

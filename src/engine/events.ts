// One bus of typed run events: the CLI's progress lines, notifications, the HTTP server's live
// events and metrics all subscribe to it; tests wait on it instead of sleeping. Listeners run
// synchronously, in order; a listener that throws is isolated (logged by the bus's owner).
import type { FinalStatus, RunStatus, Trigger } from '../core/types.js';

export interface RunEventMap {
  /**
   * A run was asked for and is a row: it waits for a slot (or, remote, for a worker). Emitted before
   * every start, even one at once; `reason` (never set by the engine) is added by whoever knows the
   * run did not start at once: `run --task` following a daemon's run, from the daemon's answer.
   */
  'run.queued': { run_id: string; task: string; trigger: Trigger; at: number; fire_at: number | null; reason?: string };
  /** A scheduled fire waits for a dependency that is still running. */
  'run.waiting': { run_id: string; task: string; trigger: Trigger; on: string; until: number | null; fire_at: number | null };
  /** A run waits for an operator's decision (the task has `approval`). */
  'run.awaiting_approval': { run_id: string; task: string; trigger: Trigger; at: number; expires_at: number; message: string | null };
  /** An attempt really runs (its process exists, or a worker took it). */
  'attempt.started': {
    run_id: string;
    task: string;
    attempt: number;
    trigger: Trigger;
    at: number;
    fire_at: number | null;
    label: string;
    worker: string | null;
  };
  /** An attempt ended; `retry_in_ms` is set when another attempt follows. */
  'attempt.ended': {
    run_id: string;
    task: string;
    attempt: number;
    trigger: Trigger;
    status: Exclude<FinalStatus, 'skipped'>;
    exit_code: number | null;
    reason: string | null;
    duration_ms: number;
    retry_in_ms: number | null;
    worker: string | null;
  };
  /** A run ended for good (after all its attempts), or never ran (`skipped`, `cancelled`). */
  'run.ended': {
    run_id: string;
    task: string;
    trigger: Trigger;
    status: FinalStatus;
    exit_code: number | null;
    reason: string | null;
    attempts: number;
    /** The status of the task's run before this one, for recovery notifications. */
    previous: RunStatus | null;
    /** The fire instant the run was for, or null. */
    fire_at: number | null;
  };
}

export type RunEventType = keyof RunEventMap;
export type RunEvent = { [K in RunEventType]: { type: K } & RunEventMap[K] }[RunEventType];
export type EventOf<K extends RunEventType> = Extract<RunEvent, { type: K }>;
type Listener<K extends RunEventType> = (event: EventOf<K>) => void;

export class EventBus {
  private readonly listeners = new Map<RunEventType | '*', Array<(event: RunEvent) => void>>();

  constructor(private readonly onListenerError: (error: unknown, event: RunEvent) => void = () => {}) {}

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends RunEventType>(type: K, listener: Listener<K>): () => void {
    return this.add(type, (event) => listener(event as EventOf<K>));
  }

  /** Subscribes to every event. */
  onAny(listener: (event: RunEvent) => void): () => void {
    return this.add('*', listener);
  }

  emit<K extends RunEventType>(type: K, payload: RunEventMap[K]): void {
    const event = { type, ...payload } as RunEvent;
    for (const key of [type, '*'] as const) {
      const list = this.listeners.get(key);
      if (!list || list.length === 0) continue;
      for (const listener of [...list]) {
        try {
          listener(event);
        } catch (error) {
          this.onListenerError(error, event);
        }
      }
    }
  }

  /** Resolves with the first event of `type` that `match` accepts (for tests and followers). */
  next<K extends RunEventType>(type: K, match: (event: EventOf<K>) => boolean = () => true): Promise<EventOf<K>> {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        if (!match(event)) return;
        off();
        resolve(event);
      });
    });
  }

  private add(key: RunEventType | '*', listener: (event: RunEvent) => void): () => void {
    // `on` wraps typed listeners, so removal goes by the wrapper this function returns a closure over.
    const list = this.listeners.get(key) ?? [];
    list.push(listener);
    this.listeners.set(key, list);
    return () => {
      const current = this.listeners.get(key);
      if (!current) return;
      const index = current.indexOf(listener);
      if (index >= 0) current.splice(index, 1);
    };
  }
}

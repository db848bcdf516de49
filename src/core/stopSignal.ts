// What the executor port needs of "stop this attempt": whether it was asked, and a listener for
// the moment it is. An AbortSignal is one (tests and callers may pass one); StopController is a
// plain one for the engine and the worker, which make two per attempt: an AbortController costs
// ~30 us to make on this path (an EventTarget, its internal slots and weak references), several
// percent of a worker's CPU per job.

export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The signal of a StopController: its state and listeners on the prototype, no closures per instance. */
class Stop implements StopSignal {
  stopped = false;
  listeners: (() => void)[] = [];

  get aborted(): boolean {
    return this.stopped;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }
}

export class StopController {
  // A class instance rather than an object literal with a getter and two arrow functions: 0.6
  // against 2.9 us to make and use one, twice per attempt (engine) and per job (worker).
  readonly signal: StopSignal = new Stop();

  /** Tells every listener once, in the order they were added; later calls do nothing. */
  abort(): void {
    const signal = this.signal as Stop;
    if (signal.stopped) return;
    signal.stopped = true;
    const listeners = signal.listeners;
    signal.listeners = [];
    for (const listener of listeners) listener();
  }
}

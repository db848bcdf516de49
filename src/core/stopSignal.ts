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

export class StopController {
  readonly signal: StopSignal;
  private stopped = false;
  private listeners: (() => void)[] = [];

  constructor() {
    const self = this;
    this.signal = {
      get aborted() {
        return self.stopped;
      },
      addEventListener: (_type, listener) => {
        if (!this.listeners.includes(listener)) this.listeners.push(listener);
      },
      removeEventListener: (_type, listener) => {
        const at = this.listeners.indexOf(listener);
        if (at >= 0) this.listeners.splice(at, 1);
      },
    };
  }

  /** Tells every listener once, in the order they were added; later calls do nothing. */
  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

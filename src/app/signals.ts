// SIGINT and SIGTERM to the conductor itself: the first asks for a stop, later ones insist.
// Callers that also stop on other signals name them: a foreground `run` stops on SIGHUP too (its
// terminal or SSH session closed), git-maintenance passes SIGHUP on to git. The daemon keeps
// SIGHUP for reloading its config.
export type StopHandler = (signal: NodeJS.Signals, count: number) => void;

export function onStopSignals(handler: StopHandler, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => handler(signal, ++count);
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}

/** SIGHUP for the daemon's whole life: handed to whoever can deal with it now. */
export interface Hangups {
  /** From now on a SIGHUP calls `handler`; one that came before any handler is handed to it at once. */
  direct(handler: () => void): void;
}

/**
 * Takes SIGHUP from the first moment of `start` to its exit. Node's default for a SIGHUP nobody
 * listens to is to exit (129): a reload sent while the daemon still starts (systemd's `reload`
 * right after `start`) or while it drains would kill it and its runs, unrecorded. A SIGHUP before
 * the daemon can reload is held for it; the listener stays to the end (it does not keep the
 * process alive). One per process: a second call returns the first.
 */
export function holdHangups(): Hangups {
  if (hangups) return hangups;
  let handler: (() => void) | null = null;
  let held = false;
  process.on('SIGHUP', () => (handler ? handler() : (held = true)));
  hangups = {
    direct(next) {
      handler = next;
      if (held) {
        held = false;
        next();
      }
    },
  };
  return hangups;
}

/** The process's one holder (the CLI takes it first thing for `start`, the daemon then uses it). */
let hangups: Hangups | null = null;

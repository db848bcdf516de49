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

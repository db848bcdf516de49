// SIGINT and SIGTERM to the conductor itself (and SIGHUP where asked: a foreground `run` whose
// terminal or SSH session closed): the first asks for a stop, later ones insist. The daemon keeps
// SIGHUP for reloading its config.
export type StopHandler = (signal: NodeJS.Signals, count: number) => void;

export function onStopSignals(handler: StopHandler, options: { hangup?: boolean } = {}): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => handler(signal, ++count);
  const signals: NodeJS.Signals[] = options.hangup ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}

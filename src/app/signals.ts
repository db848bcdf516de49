// SIGINT and SIGTERM to the conductor itself: the first asks for a stop, later ones insist.
export type StopHandler = (signal: NodeJS.Signals, count: number) => void;

export function onStopSignals(handler: StopHandler): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => handler(signal, ++count);
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}

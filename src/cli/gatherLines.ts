// Progress lines gathered and written at most every 50 ms. `run --all` of a thousand tasks prints
// two thousand lines, and each write to a pipe is a system call that wakes the reader (~65 us of
// the main thread on this VM, ~130 ms of a 1,000-task DAG); gathering per event-loop turn was not
// enough, as most turns carry one run's end. A person watching sees a line at most 50 ms late;
// a note, the summary, an error and process exit write what is gathered first.

/** How long a line may wait for others to share its write. */
export const GATHER_MS = 50;

export interface LineGatherer {
  write(text: string): void;
  /** Writes what is gathered now (before the summary, so the order holds). */
  flush(): void;
}

export function gatherLines(stream: NodeJS.WritableStream, gatherMs = GATHER_MS): LineGatherer {
  let gathered = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    stream.write(text);
  };
  process.once('exit', flush);
  return {
    write(text) {
      gathered += text;
      timer ??= setTimeout(flush, gatherMs).unref();
    },
    flush,
  };
}

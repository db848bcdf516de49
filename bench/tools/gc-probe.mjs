// Loaded into a process under test (`--expose-gc --import`): on SIGUSR2 it runs a full garbage
// collection and appends what is left (the process's RSS and V8's heap, in bytes) as one JSON line
// to $BENCH_GC_PROBE. Memory growth measured this way is what the process retains, not where
// V8's next major collection happens to fall.
import fs from 'node:fs';

const file = process.env.BENCH_GC_PROBE;
if (file && typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    globalThis.gc(); // a second pass takes what the first one's finalizers let go
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    fs.appendFileSync(file, JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, arrayBuffers }) + '\n');
  });
}

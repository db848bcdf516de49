// Preload for memory investigations: `node --import ./bench/tools/memdump.mjs dist/cli/main.js start ...`
// writes process.memoryUsage(), V8 heap spaces and the loaded-module count to $MEMDUMP_FILE
// every $MEMDUMP_EVERY_MS (default 2000) ms; MEMDUMP_GC=1 (and --expose-gc) collects first, so a
// leak shows as heapUsed rising from dump to dump. Touches nothing else (the timer is unref'd).
import fs from 'node:fs';
import v8 from 'node:v8';

const file = process.env.MEMDUMP_FILE;
const every = Number(process.env.MEMDUMP_EVERY_MS || 2000);
if (file) {
  const dump = () => {
    // MEMDUMP_GC=1 (with --expose-gc): a full GC first, so heapUsed is what is really retained
    if (process.env.MEMDUMP_GC === '1' && typeof globalThis.gc === 'function') globalThis.gc();
    const mb = (x) => Math.round((x / 2 ** 20) * 100) / 100;
    const usage = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_used_size)]));
    const code = v8.getHeapCodeStatistics();
    const line = {
      t: Math.round(performance.now()),
      rss: mb(usage.rss),
      heapTotal: mb(usage.heapTotal),
      heapUsed: mb(usage.heapUsed),
      external: mb(usage.external),
      arrayBuffers: mb(usage.arrayBuffers),
      code_and_metadata: mb(code.code_and_metadata_size + code.bytecode_and_metadata_size),
      spaces,
    };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  setInterval(dump, every).unref();
}

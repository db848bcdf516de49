// Preload for memory investigations: `node --import ./bench/tools/memdump.mjs dist/cli/main.js start ...`
// writes process.memoryUsage(), V8 heap spaces and the loaded-module count to $MEMDUMP_FILE
// every $MEMDUMP_EVERY_MS (default 2000) ms. Touches nothing else (the timer is unref'd).
import fs from 'node:fs';
import v8 from 'node:v8';

const file = process.env.MEMDUMP_FILE;
const every = Number(process.env.MEMDUMP_EVERY_MS || 2000);
if (file) {
  const dump = () => {
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

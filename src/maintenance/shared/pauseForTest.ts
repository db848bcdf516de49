// A pause at a named point, for tests only: with CONDUCTOR_TEST_PAUSE_AT=<point> and
// CONDUCTOR_TEST_PAUSE_DIR=<dir> in the environment, the process writes <dir>/<point>.paused
// and waits (at most a minute) until <dir>/<point>.resume exists. It is how a test changes the
// tree at the exact moment a race needs (a file swapped for a fifo between the scan's walk and
// its hashing) without sleeping and hoping. Without those variables it does nothing.
import fs from 'node:fs';
import path from 'node:path';

const MAX_WAIT_MS = 60_000;

export function pauseForTest(point: string): void {
  const dir = process.env.CONDUCTOR_TEST_PAUSE_DIR;
  if (process.env.CONDUCTOR_TEST_PAUSE_AT !== point || !dir) return;
  fs.writeFileSync(path.join(dir, `${point}.paused`), `${process.pid}\n`);
  const resume = path.join(dir, `${point}.resume`);
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + MAX_WAIT_MS;
  while (!fs.existsSync(resume) && Date.now() < deadline) Atomics.wait(tick, 0, 0, 10);
}

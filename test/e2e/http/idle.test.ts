// An idle daemon with its HTTP server on sleeps until its next fire: no part of it (the metrics'
// event-loop monitor was one, at 100 wake-ups a second) wakes it many times a second, and the
// event loop's delay it reports is a delay, not the interval it is sampled at.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';

let daemon: Daemon;

beforeAll(async () => {
  // Fires once a year, on a day half a year away: nothing runs while the test watches.
  const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
  const home = makeHome({
    tasks: [{ name: 'yearly', command: 'true', schedule: `0 3 1 ${month} *` }],
    settings: { timezone: 'UTC', http: { port: 0 } },
  });
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

/** Voluntary context switches of every thread of `pid`: each is a thread going to sleep after it woke. */
function sleepsOf(pid: number): number {
  let total = 0;
  for (const thread of fs.readdirSync(`/proc/${pid}/task`)) {
    const status = fs.readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
    total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return total;
}

it('wakes a few times a second at most while nothing is due, and still reports the event loop delay', async () => {
  const pid = daemon.child.pid as number;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // start-up's own work is done
  await daemon.call('/metrics', { token: null }); // the delays then count from here
  const before = sleepsOf(pid);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const wakes = sleepsOf(pid) - before;
  // One a second or so (the daemon's own timers); the monitor at its default took ~300 here.
  expect(wakes).toBeLessThan(60);
  const metrics = await (await daemon.call('/metrics', { token: null })).text();
  expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
  // Three samples of an idle loop: each a little late, never by the second between two samples.
  for (const stat of ['min', 'max', 'mean', 'p50', 'p90', 'p99']) {
    const value = Number(new RegExp(`^nodejs_eventloop_lag_${stat}_seconds (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value, stat).toBeGreaterThanOrEqual(0);
    expect(value, stat).toBeLessThan(0.5);
  }
});

// A daemon whose event loop stops for a while (SIGSTOP here; a long synchronous request, a
// loaded machine in life) wakes late: every fire of the late window is still dealt with, each
// run or recorded skipped with its reason; none vanishes as if the clock had jumped.
import { describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

describe('when the daemon is stopped for three seconds (SIGSTOP) and continued', () => {
  it('every second of the stopped window has its history row, run or skipped with a reason', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'true', schedule: '* * * * * *' }] });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two ticks');
    daemon.kill('SIGSTOP');
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the scenario itself: a loop blocked this long
    daemon.kill('SIGCONT');
    const continuedAt = Date.now();
    await waitFor(() => rows(home).some((r) => r.fire_at !== null && r.fire_at > continuedAt + 1000), 'a fire after the window');

    const firstMissed = Math.ceil(stoppedAt / 1000) * 1000;
    const seconds: number[] = [];
    for (let at = firstMissed; at <= continuedAt; at += 1000) seconds.push(at);
    expect(seconds.length).toBeGreaterThanOrEqual(3);
    const byFire = new Map(rows(home).map((r) => [r.fire_at, r]));
    for (const at of seconds) {
      const row = byFire.get(at);
      expect(row, `a row for the fire at ${new Date(at).toISOString()}`).toBeDefined();
      if (row?.status === 'skipped') expect(row.reason).toBeTruthy();
      else expect(row?.status).toBe('success');
    }
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });
});

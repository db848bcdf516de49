// Notifications against a real local HTTP server that never answers: the daemon's stop is not
// held by the webhook beyond its small bound, and a storm of one task's failures is coalesced.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_WAIT_MS } from '../../src/adapters/webhookNotifier.js';
import { makeHome } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemonProcess.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

let server: http.Server | undefined;
const sockets = new Set<Socket>();
afterEach(() => {
  for (const socket of sockets) socket.destroy();
  server?.close();
});

/** A webhook that reads every request and never answers; returns its URL and the bodies seen. */
async function silentHook(): Promise<{ url: string; bodies: { run_id: string }[] }> {
  const bodies: { run_id: string }[] = [];
  server = http.createServer((req) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => bodies.push(JSON.parse(body)));
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe('when the notification webhook never answers', () => {
  it('the daemon stops within the notifier bound, says what it abandoned, and sent one request per storm, not one per failure', async () => {
    const hook = await silentHook();
    const home = makeHome({
      tasks: [{ name: 'flaky', command: 'exit 1', schedule: '* * * * * *' }],
      settings: { enable_notifications: true, notification_webhook: hook.url },
    });
    const daemon = startDaemon(home);
    const failures = () => rows(home).filter((r) => r.task === 'flaky' && r.status === 'failed').length;
    await waitFor(() => failures() >= 5, 'five failures of one task');
    await waitFor(() => hook.bodies.length >= 1, 'the first delivery to reach the hook');
    // Coalesced: one delivery in flight (its first try hangs 5 s), the latest failure pending;
    // without coalescing every failure posted at once.
    expect(new Set(hook.bodies.map((b) => b.run_id)).size).toBe(1);
    expect(hook.bodies.length).toBeLessThanOrEqual(2);

    daemon.kill('SIGTERM');
    // Before the bound, a hanging hook held the stop for 3 tries x 5 s plus back-off (18.5 s).
    const bound = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 12_000));
    const exit = await Promise.race([exitOf(daemon), bound]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(daemon.output()).toMatch(/notifications still being delivered were abandoned/);
    expect(daemon.output()).toContain(`waited_ms=${SHUTDOWN_WAIT_MS}`);
  });
});

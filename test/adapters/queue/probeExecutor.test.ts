// `status`'s look at the queue's Redis: a Redis that is not there is said with the connection's
// own error (what an operator can act on), not ioredis's generic "Connection is closed.".
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeExecutor } from '../../../src/adapters/queue/probeExecutor.js';

/** A local port nothing listens on (taken, then let go). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('probing the queue executor for status', () => {
  it('names why Redis cannot be reached (ECONNREFUSED), and lists no worker', async () => {
    const port = await freePort();
    const state = await probeExecutor(`redis://127.0.0.1:${port}/0`, 'conductor', 1000, Date.now());
    expect(state).toMatchObject({ type: 'queue', connected: false, workers: [] });
    expect(state.reason).toBe(`Redis unreachable at redis://127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

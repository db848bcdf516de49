// The daemon's HTTP application is built at the first request (src/adapters/http/server.ts);
// before that a node:http server of ours takes the connections. Whatever comes first, hostile or
// not, is answered in the contract's error shape, and the daemon goes on serving: bytes that are
// not HTTP, a request line and headers over the size Node takes, a connection that closes
// without a byte, many requests at once while the application loads.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, startDaemon } from '../../helpers/daemon.js';

const homes: string[] = [];
afterEach(() => {
  killDaemons();
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

function freshDaemon() {
  const home = makeHome({ tasks: [{ name: 'hello', command: 'true', schedule: '0 3 1 1 *' }] });
  homes.push(home);
  return startDaemon(home);
}

/** Sends raw bytes on a new connection; what came back before the server closed it. */
function raw(url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

function errorOf(answer: string): { status: number; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) };
}

describe("a daemon's first HTTP contact, before its application is built", () => {
  it('bytes that are not HTTP: 400 in the error shape, then it serves', async () => {
    const daemon = await freshDaemon();
    expect(errorOf(await raw(daemon.url, 'GARBAGE \u0000\u0001 not http\r\n\r\n'))).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringMatching(/^the request is not valid HTTP: /) } },
    });
    const health = await daemon.call('/health', { token: null });
    expect(health.status).toBe(200);
  });

  it('a request line and headers over the size Node takes: 431 in the error shape, then it serves', async () => {
    const daemon = await freshDaemon();
    const refused = await daemon.call('/health', { token: null, headers: { 'x-padding': 'a'.repeat(17_000) } });
    expect(refused.status).toBe(431);
    expect(await refused.json()).toEqual({ error: { code: 'too_large', message: expect.stringContaining('bytes this server takes') } });
    expect((await daemon.call('/health', { token: null })).status).toBe(200);
  });

  it('a connection closed without a byte is nothing to answer; the daemon goes on', async () => {
    const daemon = await freshDaemon();
    expect(await raw(daemon.url, '')).toBe('');
    expect((await daemon.call('/health', { token: null })).status).toBe(200);
  });

  it('many requests at once while the application loads: each gets its own answer', async () => {
    const daemon = await freshDaemon();
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => daemon.call('/health', { token: null })),
      daemon.call('/api/v1/tasks/hello'),
      daemon.call('/api/v1/tasks/hello', { token: 'wrong' }),
      daemon.call('/api/v1/tasks/nope'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([...Array(20).fill(200), 200, 401, 404]);
    expect(((await answers[20]?.json()) as { name: string }).name).toBe('hello');
    expect(await answers[22]?.json()).toEqual({ error: { code: 'not_found', message: 'no task named nope' } });
  });
});

// The scheduler's reply stream against a real redis-server: every entry reaches its attempt in
// order, and what was read is trimmed away in batches (by count, or after a while), not after
// every read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { encodeEntry, type AttemptEntry } from '../../../src/adapters/queue/messages.js';
import { ReplyStream } from '../../../src/adapters/queue/replyStream.js';
import { TestRedis } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

let redis: TestRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await TestRedis.start();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis.stop();
});

async function client(): Promise<Redis> {
  const made = await redis.client();
  clients.push(made);
  return made;
}

const line = (i: number) => encodeEntry({ kind: 'out', data: Buffer.from(`line ${i}`) }, 'job-1');
const end = encodeEntry({ kind: 'end', end: { exit_code: 0, signal: null, start_error: null, timed_out: false, escaped: null, lost: null, not_started: false } }, 'job-1');

/** A reply stream trimmed at `trimAt`, what it handed job-1 so far, and a worker's connection writing to it. */
async function open(trimAt: { entries: number; ms: number }) {
  const commands = await client();
  const stream = new ReplyStream(await client(), commands, 'test', () => {}, trimAt);
  const seen: string[] = [];
  stream.follow('job-1', (entry: AttemptEntry) => {
    seen.push(entry.kind === 'out' ? entry.data.toString() : entry.kind);
    return entry.kind === 'end';
  });
  return { commands, stream, seen, writer: await client() };
}

describe("the scheduler's reply stream", () => {
  it('hands a job its entries in order, and trims what was read once enough have gathered', async () => {
    const { commands, stream, seen, writer } = await open({ entries: 500, ms: 3_600_000 });
    for (let i = 0; i < 5; i++) await writer.xadd(stream.key, '*', ...line(i));
    await waitFor(() => seen.length === 5, 'the first entries');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await commands.xlen(stream.key)).toBe(5); // read, not trimmed: fewer than 500
    const burst = writer.pipeline();
    for (let i = 5; i < 600; i++) burst.xadd(stream.key, '*', ...line(i));
    await burst.exec();
    await writer.xadd(stream.key, '*', ...end);
    await waitFor(() => seen.at(-1) === 'end', 'the end');
    expect(seen).toEqual([...Array.from({ length: 600 }, (_, i) => `line ${i}`), 'end']);
    await waitFor(async () => (await commands.xlen(stream.key)) < 500, 'the stream to be trimmed');
    await stream.close();
  });

  it('trims a few entries once a while has passed since the last trim', async () => {
    const { commands, stream, seen, writer } = await open({ entries: 500, ms: 300 });
    for (let i = 0; i < 3; i++) await writer.xadd(stream.key, '*', ...line(i));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await writer.xadd(stream.key, '*', ...end);
    await waitFor(() => seen.at(-1) === 'end', 'the end');
    await waitFor(async () => (await commands.xlen(stream.key)) === 0, 'the stream to be trimmed');
    await stream.close();
  });
});

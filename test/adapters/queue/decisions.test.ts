import { describe, expect, it } from 'vitest';
import { jobDataOf } from '../../../src/adapters/queue/jobData.js';
import { decodeEntry, encodeEntry, entryJob, type AttemptEntry } from '../../../src/adapters/queue/messages.js';
import { jobIdOf, parseQueueHandle, queueHandle, queueName } from '../../../src/adapters/queue/names.js';
import { reconcile } from '../../../src/adapters/queue/reconcile.js';
import { redactedUrl, redisOptions } from '../../../src/adapters/queue/redisOptions.js';
import { idAfter } from '../../../src/adapters/queue/replyStream.js';
import { StreamExpiry } from '../../../src/adapters/queue/streamExpiry.js';
import type { AttemptSpec } from '../../../src/ports/executor.js';

describe('reconcile: where BullMQ has a job the scheduler still waits for', () => {
  it.each([
    ['unknown', false, 'readd'],
    ['unknown', true, 'lost'],
    ['failed', true, 'failed'],
    ['failed', false, 'failed'],
    ['completed', true, 'completed'],
    ['waiting', true, 'lost'],
    ['waiting', false, null],
    ['active', true, null],
    ['active', false, null],
    ['delayed', false, null],
  ] as const)('a job %s (started: %s) means %s', (state, started, expected) => {
    expect(reconcile(state, started)).toBe(expected);
  });
});

describe('names shared by the scheduler and the workers', () => {
  it('name the queue, the job and its handle', () => {
    expect(queueName('conductor', 'gpu')).toBe('conductor.gpu');
    expect(jobIdOf('20250602T020000Z-9f3a1c2b', 2)).toBe('20250602T020000Z-9f3a1c2b.2');
    expect(queueHandle('20250602T020000Z-9f3a1c2b.2')).toBe('queue:20250602T020000Z-9f3a1c2b.2');
  });
  it.each([
    ['queue:r1.1', 'r1.1'],
    ['local:12:34', null],
    ['queue:', null],
    ['queue:a:b', null],
  ])('read the handle %s as the job %s', (handle, job) => {
    expect(parseQueueHandle(handle)).toBe(job);
  });
});

describe('the entries of an attempt stream', () => {
  it.each<AttemptEntry>([
    { kind: 'start', worker: 'gpu-1', at: 1_700_000_000_000 },
    { kind: 'out', data: Buffer.from([0, 0xff, 0xe2, 0x82]) },
    {
      kind: 'end',
      end: { exit_code: null, signal: 'SIGKILL', start_error: null, timed_out: true, escaped: null, lost: 'stopped (SIGTERM) before the attempt ended', not_started: false },
    },
  ])('round-trip %o byte for byte', (entry) => {
    const fields = encodeEntry(entry).map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
    expect(decodeEntry(fields)).toEqual(entry);
  });
  it('names its job on a reply stream shared by many, and the entry reads the same', () => {
    const entry: AttemptEntry = { kind: 'start', worker: 'w1', at: 5 };
    const fields = encodeEntry(entry, 'r9.2').map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
    expect(entryJob(fields)).toBe('r9.2');
    expect(decodeEntry(fields)).toEqual(entry);
    expect(entryJob(encodeEntry(entry).map((f) => Buffer.from(f)))).toBeNull();
  });
  it('reads an entry it does not know as nothing', () => {
    expect(decodeEntry([Buffer.from('k'), Buffer.from('what')])).toBeNull();
    expect(decodeEntry([Buffer.from('k'), Buffer.from('end'), Buffer.from('e'), Buffer.from('{not json')])).toBeNull();
  });
});

describe('stream ids in order: an entry is handed over once, by whichever read sees it first', () => {
  it.each([
    ['1700000000001-0', '1700000000000-9', true],
    ['1700000000000-10', '1700000000000-9', true],
    ['1700000000000-9', '1700000000000-9', false],
    ['1700000000000-2', '1700000000000-10', false],
    ['1700000000000-0', '0', true],
    ['999-0', '1000-0', false],
  ])('%s after %s: %s', (a, b, expected) => {
    expect(idAfter(a, b)).toBe(expected);
  });
});

describe("an attempt as a job's data", () => {
  const spec = (cwd: string): AttemptSpec => ({
    run_id: 'r',
    task: 't',
    attempt: 1,
    trigger: 'manual',
    command: './build.sh',
    cwd,
    env: { CONDUCTOR_TASK: 't', A: 'b' },
    timeoutMs: 5000,
    killGraceMs: 1000,
    output: { fd: 1, path: '/x' },
    signal: new AbortController().signal,
  });
  it.each([
    ['/srv/home', '.'],
    ['/srv/home/sub/dir', 'sub/dir'],
    ['/srv/elsewhere', '/srv/elsewhere'],
    ['/srv/homely', '/srv/homely'],
  ])('sends the working directory %s as %s', (cwd, sent) => {
    expect(jobDataOf(spec(cwd), '/srv/home').cwd).toBe(sent);
  });
  it('sends the attempt env only, with the timeout and grace', () => {
    expect(jobDataOf(spec('/srv/home'), '/srv/home')).toMatchObject({ env: { CONDUCTOR_TASK: 't', A: 'b' }, timeout_ms: 5000, kill_grace_ms: 1000, command: './build.sh' });
  });
});

describe('a Redis URL', () => {
  it('becomes connection options that wait for Redis instead of failing commands', () => {
    expect(redisOptions('rediss://u:p%40ss@[::1]:6380/2')).toMatchObject({ host: '::1', port: 6380, username: 'u', password: 'p@ss', db: 2, tls: {}, maxRetriesPerRequest: null });
    expect(redisOptions('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0, tls: undefined });
  });
  it('is shown without its password', () => {
    expect(redactedUrl('redis://:secret@10.0.0.5:6379/0')).toBe('redis://:***@10.0.0.5:6379/0');
  });
});

describe("which end entries refresh their stream's expiry", () => {
  it('refreshes a stream on its first end, then not again for 10 s, then again', () => {
    const expiry = new StreamExpiry();
    expect([expiry.due('s', 0), expiry.due('s', 9_999), expiry.due('s', 10_000), expiry.due('s', 10_001)]).toEqual([true, false, true, false]);
  });

  it('keeps streams apart', () => {
    const expiry = new StreamExpiry();
    expect([expiry.due('a', 0), expiry.due('b', 1), expiry.due('a', 2)]).toEqual([true, true, false]);
  });

  it('refreshes again at once when the write that carried it failed, or after the connection dropped', () => {
    const expiry = new StreamExpiry();
    expiry.due('a', 0);
    expiry.forget('a');
    expect(expiry.due('a', 1)).toBe(true);
    expiry.clear();
    expect(expiry.due('a', 2)).toBe(true);
  });

  it('forgets old streams once it holds many, still refreshing the recent ones only when due', () => {
    const expiry = new StreamExpiry();
    for (let i = 0; i < 1000; i++) expiry.due(`old${i}`, 0);
    expiry.due('recent', 15_000);
    expect([expiry.due('recent', 16_000), expiry.due('old1', 16_000)]).toEqual([false, true]);
  });
});

// The scheduler's and the worker's halves of an attempt's stream, on real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputFiles } from '../../../src/adapters/queue/outputFiles.js';
import { OutputTail } from '../../../src/adapters/queue/outputTail.js';
import { PendingAttempt } from '../../../src/adapters/queue/pendingAttempt.js';
import type { AttemptSpec, AttemptStarted } from '../../../src/ports/executor.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-queue-pieces-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function pending(file: string, started: AttemptStarted[]): PendingAttempt {
  const fd = fs.openSync(file, 'a');
  const spec = { output: { fd, path: file } } as AttemptSpec;
  return new PendingAttempt('r.1', 'conductor.default', 'conductor:attempt:r.1', spec, (s) => started.push(s));
}

const endReport = { exit_code: 3, signal: null, start_error: null, timed_out: false, escaped: null, lost: null, not_started: false };

describe('an attempt followed by the scheduler', () => {
  it('says it started with the worker, writes the output in order, and ends with the report', async () => {
    const file = path.join(dir, 'a.log');
    const started: AttemptStarted[] = [];
    const attempt = pending(file, started);
    expect(attempt.onEntry({ kind: 'start', worker: 'w1', at: 1 })).toBe(false);
    expect(attempt.onEntry({ kind: 'out', data: Buffer.from('one\n') })).toBe(false);
    expect(attempt.onEntry({ kind: 'out', data: Buffer.from('two\n') })).toBe(false);
    expect(attempt.onEntry({ kind: 'end', end: endReport })).toBe(true);
    expect(started).toEqual([{ handle: 'queue:r.1', label: 'worker w1', worker: 'w1' }]);
    expect(fs.readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    expect(await attempt.done).toEqual({ exitCode: 3, signal: null, startError: null, timedOut: false, lost: null, escaped: null });
  });

  it('settles once: a lost worker after the end changes nothing', async () => {
    const attempt = pending(path.join(dir, 'b.log'), []);
    attempt.onEntry({ kind: 'start', worker: 'w2', at: 1 });
    attempt.onEntry({ kind: 'end', end: endReport });
    attempt.lose();
    expect((await attempt.done).lost).toBeNull();
  });

  it('names the worker when it is lost', async () => {
    const attempt = pending(path.join(dir, 'c.log'), []);
    attempt.onEntry({ kind: 'start', worker: 'w3', at: 1 });
    attempt.lose();
    expect((await attempt.done).lost).toBe('worker w3 lost');
  });

  it('reads a worker that gave the attempt up as lost, with its words', async () => {
    const attempt = pending(path.join(dir, 'd.log'), []);
    attempt.onEntry({ kind: 'start', worker: 'w4', at: 1 });
    attempt.onEntry({ kind: 'end', end: { ...endReport, exit_code: null, signal: 'SIGTERM', lost: 'stopped (SIGTERM) before the attempt ended' } });
    expect(await attempt.done).toMatchObject({ signal: 'SIGTERM', lost: 'worker w4 stopped (SIGTERM) before the attempt ended' });
  });

  it('fails an attempt BullMQ failed before any worker started it', async () => {
    const attempt = pending(path.join(dir, 'e.log'), []);
    attempt.fail('job stalled more than allowable limit');
    expect((await attempt.done).startError).toBe('no worker could run it: job stalled more than allowable limit');
  });
});

describe("a worker's output tail", () => {
  it('pushes everything the process wrote, in order, and all of it once finished', async () => {
    const file = path.join(dir, 'out');
    const fd = fs.openSync(file, 'a+');
    const pushed: Buffer[] = [];
    const tail = new OutputTail(fd, async (chunk) => void pushed.push(chunk));
    fs.appendFileSync(file, 'first\n');
    const big = Buffer.alloc(200 * 1024, 'x');
    fs.appendFileSync(file, big);
    fs.appendFileSync(file, 'last\n');
    await tail.finish();
    fs.closeSync(fd);
    expect(Buffer.concat(pushed).equals(Buffer.concat([Buffer.from('first\n'), big, Buffer.from('last\n')]))).toBe(true);
    expect(Math.max(...pushed.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024);
  });
});

describe("a worker's output files", () => {
  it('hands the next job the file of a job that ended cleanly, emptied, and leaves no name behind', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'outputs-'));
    const files = new OutputFiles(sub, 2);
    const first = files.take('r.1');
    expect(fs.readdirSync(sub)).toEqual([]);
    fs.writeSync(first.fd, 'old output\n');
    files.give(first, true);
    const second = files.take('r.2');
    expect(second.fd).toBe(first.fd);
    expect(fs.fstatSync(second.fd).size).toBe(0);
    files.give(second, true);
    files.closeAll();
  });

  it('hands on a file its job printed nothing to as it is, without truncating it', async () => {
    const files = new OutputFiles(fs.mkdtempSync(path.join(dir, 'outputs-')), 2);
    const first = files.take('r.1');
    const before = fs.fstatSync(first.fd, { bigint: true }).ctimeNs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    files.give(first, true, true);
    const second = files.take('r.2');
    expect(second.fd).toBe(first.fd);
    expect(fs.fstatSync(second.fd, { bigint: true }).ctimeNs).toBe(before); // a truncate would have set it
    files.give(second, true);
    files.closeAll();
  });

  it('gives a job a new file when the last one may still be written to (something escaped, or given up)', () => {
    const files = new OutputFiles(fs.mkdtempSync(path.join(dir, 'outputs-')), 2);
    const first = files.take('r.1');
    fs.writeSync(first.fd, 'a stray may still write here\n');
    files.give(first, false);
    expect(() => fs.fstatSync(first.fd)).toThrow(/EBADF/);
    const second = files.take('r.2');
    expect(fs.fstatSync(second.fd).size).toBe(0);
    files.give(second, true);
    files.closeAll();
  });
});

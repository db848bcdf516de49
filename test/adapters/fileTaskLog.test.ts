import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { concurrentFiles, createTaskLog } from '../../src/adapters/fileTaskLog.js';
import { copyRun, copyRunOutput, lastRunId, logFiles, SectionFilter } from '../../src/app/readTaskLog.js';

function attempt(log: ReturnType<typeof createTaskLog>, runId: string, attemptNo: number, output: string, direct = true) {
  const opened = log.openAttempt({ task: 't', run_id: runId, attempt: attemptNo, trigger: 'manual', at: Date.UTC(2025, 0, 1) }, direct);
  fs.writeSync(opened.fd, output);
  log.close(opened);
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

describe('task logs', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tasklog-'));

  it('rotate before an attempt once over log_max_bytes, keeping log_keep files, never cutting a run', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 250, keep: 2 });
    attempt(log, 'r1', 1, 'x'.repeat(300)); // one run's output is never cut, however large
    attempt(log, 'r2', 1, 'second\n');
    attempt(log, 'r3', 1, 'y'.repeat(200));
    attempt(log, 'r4', 1, 'fourth\n');
    const files = fs.readdirSync(d).sort();
    expect(files).toEqual(['t.log', 't.log.1', 't.log.2']);
    expect(fs.readFileSync(path.join(d, 't.log'), 'utf8')).toMatch(/run=r4 .*\nfourth\n$/);
    expect(fs.readFileSync(path.join(d, 't.log.1'), 'utf8')).toMatch(/run=r2[\s\S]*run=r3/);
    expect(fs.readFileSync(path.join(d, 't.log.2'), 'utf8')).toMatch(/run=r1 [\s\S]*x{300}$/);
  });

  it('never rotate between two attempts of one run: with log_keep 0 its first attempts stay', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 100, keep: 0 });
    attempt(log, 'r0', 1, 'o'.repeat(150)); // an earlier run, over the limit
    attempt(log, 'r1', 1, 'a'.repeat(150)); // rotated away (keep 0: gone) before r1
    attempt(log, 'r1', 2, 'second try\n'); // a retry: r1's output stays whole
    expect(fs.readdirSync(d)).toEqual(['t.log']);
    const text = fs.readFileSync(path.join(d, 't.log'), 'utf8');
    expect(text).not.toContain('run=r0');
    expect(text).toMatch(/run=r1 attempt=1[^\n]*\na{150}\n=== symphony-conductor run=r1 attempt=2[^\n]*\nsecond try\n$/);
  });

  it('drop the rotated files beyond a log_keep made smaller', () => {
    const d = dir();
    for (const n of [1, 2, 3, 4, 5]) fs.writeFileSync(path.join(d, `t.log.${n}`), `old ${n}\n`);
    fs.writeFileSync(path.join(d, 't.log.bak'), 'not ours\n');
    const log = createTaskLog(d, { maxBytes: 10, keep: 2 });
    attempt(log, 'r1', 1, 'x'.repeat(20));
    attempt(log, 'r2', 1, 'y\n');
    expect(fs.readdirSync(d).sort()).toEqual(['t.log', 't.log.1', 't.log.2', 't.log.bak']);
    expect(fs.readFileSync(path.join(d, 't.log.1'), 'utf8')).toMatch(/run=r1/);
    expect(fs.readFileSync(path.join(d, 't.log.2'), 'utf8')).toBe('old 1\n');
  });

  it('defer the header of an attempt queued for a worker until writeHeader: none if it never starts', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
    attempt(log, 'r1', 1, 'earlier, no newline');
    const queued = log.openAttempt({ task: 't', run_id: 'r2', attempt: 1, trigger: 'schedule', at: Date.UTC(2025, 0, 1, 0, 0, 0) }, true, true);
    log.close(queued); // taken back: it never started
    const started = log.openAttempt({ task: 't', run_id: 'r2', attempt: 1, trigger: 'schedule', at: Date.UTC(2025, 0, 1, 0, 0, 0) }, true, true);
    expect(read(path.join(d, 't.log'))).not.toContain('run=r2');
    started.writeHeader?.(Date.UTC(2025, 0, 1, 0, 5, 0));
    fs.writeSync(started.fd, 'from the worker\n');
    log.close(started);
    const text = read(path.join(d, 't.log'));
    expect(text.match(/run=r2/g)).toHaveLength(1);
    expect(text).toMatch(/earlier, no newline\n=== symphony-conductor run=r2 attempt=1 [^\n]*2025-01-01T00:05:00[^\n]*\nfrom the worker\n$/);
  });

  it('find the latest run and copy one run out, across rotated files, attempts included', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 60, keep: 5 });
    attempt(log, 'r1', 1, 'one\n');
    attempt(log, 'r2', 1, 'two-a\n');
    attempt(log, 'r2', 2, 'two-b without newline');
    const current = path.join(d, 't.log');
    expect(await lastRunId(current)).toBe('r2');
    const chunks: Buffer[] = [];
    expect(await copyRun(logFiles(current, 5), 'r2', (c) => chunks.push(c))).toBe(true);
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/run=r2 attempt=1[^\n]*\ntwo-a\n=== symphony-conductor run=r2 attempt=2[^\n]*\ntwo-b without newline$/);
    expect(text).not.toContain('one');
    expect(await copyRun(logFiles(current, 5), 'nope', () => {})).toBe(false);
  });

  it('stream a huge line without holding it, passing it through intact', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 30, keep: 1 });
    const big = 'z'.repeat(3 * 1024 * 1024);
    attempt(log, 'r1', 1, `${big}\nend\n`);
    let size = 0;
    let largest = 0;
    await copyRun([path.join(d, 't.log')], 'r1', (c) => {
      size += c.length;
      largest = Math.max(largest, c.length);
    });
    expect(size).toBeGreaterThan(big.length);
    expect(largest).toBeLessThanOrEqual(256 * 1024);
  });

  it('start a header on its own line after output that did not end its last line', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
    attempt(log, 'r1', 1, 'no newline');
    attempt(log, 'r2', 1, 'two\n');
    const chunks: Buffer[] = [];
    expect(await copyRun([path.join(d, 't.log')], 'r2', (c) => chunks.push(c))).toBe(true);
    expect(Buffer.concat(chunks).toString()).toMatch(/^=== symphony-conductor run=r2 [^\n]*\ntwo\n$/);
  });
});

describe('task logs, when runs of one task overlap', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tasklog-'));

  it('an attempt that does not hold the log writes its own file, appended whole under its header once finished', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
    const first = log.openAttempt({ task: 't', run_id: 'r1', attempt: 1, trigger: 'schedule', at: 0 }, true);
    const second = log.openAttempt({ task: 't', run_id: 'r2', attempt: 1, trigger: 'manual', at: 1 }, false);
    expect(second.path).toBe(path.join(d, '.concurrent', 't', 'r2.1.log'));
    fs.writeSync(first.fd, 'one-a\n');
    fs.writeSync(second.fd, 'two\n');
    fs.writeSync(first.fd, 'one-b\n');
    log.close(second);
    expect(concurrentFiles(log.path('t'))).toMatchObject([{ run_id: 'r2', attempt: 1, finished: true }]);
    expect(log.hasFinished('t')).toBe(true);
    log.close(first);
    expect(await log.appendFinished('t')).toBe(1);
    expect(log.hasFinished('t')).toBe(false);
    expect(fs.readdirSync(path.join(d, '.concurrent', 't'))).toEqual([]);
    expect(read(log.path('t'))).toMatch(/^=== [^\n]*run=r1 [^\n]*\none-a\none-b\n=== [^\n]*run=r2 [^\n]*\ntwo\n$/);
  });

  it('several finished files are appended in order, each header on its own line, a large one whole, the log rotated between runs', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 2 });
    const big = `${'x'.repeat(2 << 20)}\nend-of-big`; // over what is read at once, and no newline at its end
    attempt(log, 'r1', 1, 'one without a newline', false);
    attempt(log, 'r2', 1, big, false);
    attempt(log, 'r3', 1, 'three\n', false);
    attempt(log, 'r4', 1, 'four\n', false);
    expect(await log.appendFinished('t')).toBe(4);
    // r2 takes the log past 1 MiB: it is rotated before r3, never within a run's output.
    const older = read(`${log.path('t')}.1`);
    const text = read(log.path('t'));
    const runsIn = (t: string) => [...t.matchAll(/^=== [^\n]*run=(r\d) /gm)].map((m) => m[1]);
    expect([runsIn(older), runsIn(text)]).toEqual([['r1', 'r2'], ['r3', 'r4']]);
    const all = older + text;
    expect(all).toContain('one without a newline\n=== ');
    expect(older.endsWith(`run=r2 attempt=1 task=t trigger=manual at=2025-01-01T00:00:00.000Z ===\n${big}`)).toBe(true);
    expect(all).toMatch(/run=r4 [^\n]*\nfour\n$/);
    expect(fs.readdirSync(path.join(d, '.concurrent', 't'))).toEqual([]);
  });

  it('a run is read from its own file while it runs, from the log after, and never twice', async () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
    attempt(log, 'r1', 1, 'one\n');
    const running = log.openAttempt({ task: 't', run_id: 'r2', attempt: 1, trigger: 'manual', at: Date.UTC(2025, 0, 1, 0, 5) }, false);
    fs.writeSync(running.fd, 'two so far\n');
    const out = async (runId: string) => {
      const chunks: Buffer[] = [];
      const printed = await copyRunOutput(log.path('t'), 1, runId, (c) => chunks.push(c));
      return { text: Buffer.concat(chunks).toString(), printed };
    };
    expect(await lastRunId(log.path('t'))).toBe('r2');
    const during = await out('r2');
    expect(during.text).toMatch(/^=== [^\n]*run=r2 [^\n]*\ntwo so far\n$/);
    expect(during.printed?.get('r2#1')).toBe(Buffer.byteLength(during.text));
    expect((await out('r1')).text).toMatch(/run=r1 [^\n]*\none\n$/);
    fs.writeSync(running.fd, 'two done\n');
    log.close(running);
    await log.appendFinished('t');
    expect((await out('r2')).text).toMatch(/^=== [^\n]*run=r2 [^\n]*\ntwo so far\ntwo done\n$/);
    expect((await out('nope')).printed).toBeNull();
  });

  it('an own file left open by a dead conductor is finished as it stands', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
    const left = log.openAttempt({ task: 't', run_id: 'r9', attempt: 2, trigger: 'schedule', at: 0 }, false);
    fs.closeSync(left.fd); // its conductor died
    expect(log.finishLeftover('t', 'r9', 2)).toBe(true);
    expect(log.finishLeftover('t', 'r9', 2)).toBe(false);
    expect(log.hasFinished('t')).toBe(true);
  });

  describe('when the conductor of an attempt died', () => {
    const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);

    it('say when its own file was last written', () => {
      const d = dir();
      const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
      const left = log.openAttempt({ task: 't', run_id: 'r9', attempt: 2, trigger: 'schedule', at: 0 }, false);
      fs.closeSync(left.fd);
      at(left.path, 1_000);
      expect(log.lastWrite('t', 'r9', 2)).toBe(1_000_000);
    });

    it("say when the task's log was last written while its header is the last there", () => {
      const d = dir();
      const log = createTaskLog(d, { maxBytes: 1 << 20, keep: 1 });
      attempt(log, 'r1', 1, 'one\n');
      const left = log.openAttempt({ task: 't', run_id: 'r2', attempt: 1, trigger: 'schedule', at: 0 }, true);
      fs.writeSync(left.fd, `output that names the prefix: ${'=== symphony-conductor run=r1 attempt=1'}\n`);
      fs.closeSync(left.fd);
      at(left.path, 2_000);
      expect(log.lastWrite('t', 'r2', 1)).toBe(2_000_000);
      // Another attempt wrote after it: the file's mtime is not its.
      expect(log.lastWrite('t', 'r1', 1)).toBeNull();
      expect(log.lastWrite('nope', 'r1', 1)).toBeNull();
    });

    it("say the task's log's mtime when its last header is further back than the tail that is read", () => {
      const d = dir();
      const log = createTaskLog(d, { maxBytes: 1 << 30, keep: 1 });
      attempt(log, 'r1', 1, `${'x'.repeat(200_000)}\n`);
      at(log.path('t'), 3_000);
      expect(log.lastWrite('t', 'r1', 1)).toBe(3_000_000);
    });
  });
});

describe('SectionFilter', () => {
  const log = '=== symphony-conductor run=a attempt=1 task=t trigger=manual at=2025-01-01T00:00:00.000Z ===\nA1\nA2\n' +
    '=== symphony-conductor run=b attempt=1 task=t trigger=manual at=2025-01-01T00:00:01.000Z ===\nB1\n';
  const headerB = log.slice(log.indexOf('=== symphony-conductor run=b'), log.indexOf('B1'));
  it.each([
    ['keeps what is wanted', { a: 0, b: Infinity }, log.slice(0, log.indexOf('=== symphony-conductor run=b'))],
    ['leaves out a section whole', { a: Infinity, b: 0 }, `${headerB}B1\n`],
    ['leaves out the bytes already printed of a section', { a: Infinity, b: headerB.length + 1 }, '1\n'],
  ])('%s, whatever the chunk size', (_label, drops, expected) => {
    for (const size of [1, 3, 7, 64, 4096]) {
      const out: Buffer[] = [];
      const filter = new SectionFilter((h) => drops[h.run_id as 'a' | 'b'], (c) => out.push(c));
      const bytes = Buffer.from(log);
      for (let i = 0; i < bytes.length; i += size) filter.feed(bytes.subarray(i, i + size));
      filter.end();
      expect(Buffer.concat(out).toString()).toBe(expected);
    }
  });

  it('passes lines that start like a header but are not one as output, whatever the chunk size', () => {
    const lookalikes = '=\n=== symphony-conductor\n==== a rule ====\nA3 = 1\n';
    const mixed = log.replace('A2\n', `A2\n${lookalikes}`);
    for (const size of [1, 2, 5, 23, 64, 4096]) {
      const out: Buffer[] = [];
      const filter = new SectionFilter((h) => (h.run_id === 'a' ? 0 : Infinity), (c) => out.push(c));
      const bytes = Buffer.from(mixed);
      for (let i = 0; i < bytes.length; i += size) filter.feed(bytes.subarray(i, i + size));
      filter.end();
      expect(Buffer.concat(out).toString()).toBe(mixed.slice(0, mixed.indexOf('=== symphony-conductor run=b')));
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTaskLog } from '../../src/adapters/fileTaskLog.js';
import { copyRun, lastRunId, logFiles } from '../../src/app/readTaskLog.js';

function attempt(log: ReturnType<typeof createTaskLog>, runId: string, attemptNo: number, output: string) {
  const fd = log.openAttempt({ task: 't', run_id: runId, attempt: attemptNo, trigger: 'manual', at: Date.UTC(2025, 0, 1) });
  fs.writeSync(fd, output);
  log.close(fd);
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

  it('find the latest run and copy one run out, across rotated files, attempts included', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 60, keep: 5 });
    attempt(log, 'r1', 1, 'one\n');
    attempt(log, 'r2', 1, 'two-a\n');
    attempt(log, 'r2', 2, 'two-b without newline');
    const current = path.join(d, 't.log');
    expect(lastRunId(current)).toBe('r2');
    const chunks: Buffer[] = [];
    expect(copyRun(logFiles(current, 5), 'r2', (c) => chunks.push(c))).toBe(true);
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/run=r2 attempt=1[^\n]*\ntwo-a\n=== symphony-conductor run=r2 attempt=2[^\n]*\ntwo-b without newline$/);
    expect(text).not.toContain('one');
    expect(copyRun(logFiles(current, 5), 'nope', () => {})).toBe(false);
  });

  it('stream a huge line without holding it, passing it through intact', () => {
    const d = dir();
    const log = createTaskLog(d, { maxBytes: 1 << 30, keep: 1 });
    const big = 'z'.repeat(3 * 1024 * 1024);
    attempt(log, 'r1', 1, `${big}\nend\n`);
    let size = 0;
    let largest = 0;
    copyRun([path.join(d, 't.log')], 'r1', (c) => {
      size += c.length;
      largest = Math.max(largest, c.length);
    });
    expect(size).toBeGreaterThan(big.length);
    expect(largest).toBeLessThanOrEqual(256 * 1024);
  });
});

// The conductor's own log as JSON lines: one key once per line (a field named like one pino
// adds itself is not written twice), and the echo on stderr as the caller gave it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPinoLogger } from '../../src/adapters/pinoLogger.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function logFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-log-'));
  dirs.push(dir);
  return path.join(dir, 'symphony_conductor.log');
}

describe('createPinoLogger', () => {
  it('writes the pid once in a line whose fields carry it too (the daemon start line), and echoes it', () => {
    const file = logFile();
    const echoed: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (echoed.push(String(chunk)), true));
    const logger = createPinoLogger({ file, level: 'info', sync: true, echo: 'info' });
    logger.info({ version: '1.2.3', pid: process.pid, tasks: 2 }, 'started');
    logger.warn({ task: 'a', pid: process.pid }, 'careful');
    logger.flush();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.match(/"pid":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ pid: process.pid, version: '1.2.3', tasks: 2, msg: 'started' });
    expect(echoed.join('')).toContain(`started (version=1.2.3 pid=${process.pid} tasks=2)`);
  });
});

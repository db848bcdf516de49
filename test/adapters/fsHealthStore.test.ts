// Health files read back by the store `status` uses: what was written, nothing for a missing or
// unreadable file, and a file longer than the read buffer read whole.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthStore } from '../../src/adapters/fsHealthStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-'));
  dirs.push(dir);
  return dir;
}

describe('the health store', () => {
  it('reads back what it wrote, once flushed', async () => {
    const dir = tempDir();
    const store = createHealthStore(path.join(dir, 'automation_health'));
    store.write('backup', { status: 'failed', timestamp: '2026-11-29T10:00:00Z', exit_code: 3 });
    await store.flush();
    expect(store.read('backup')).toEqual({ status: 'failed', timestamp: '2026-11-29T10:00:00Z', exit_code: 3 });
    expect(fs.readFileSync(path.join(dir, 'automation_health', 'backup.health'), 'utf8')).toBe('failed:2026-11-29T10:00:00Z:3\n');
  });

  it.each([
    ['a missing file', null],
    ['an empty file', ''],
    ['a line that is not a health line', 'fine, thanks\n'],
    ['a folder where the file should be', 'DIR'],
  ])('reads nothing from %s', (_, content) => {
    const dir = tempDir();
    if (content === 'DIR') fs.mkdirSync(path.join(dir, 'job.health'));
    else if (content !== null) fs.writeFileSync(path.join(dir, 'job.health'), content);
    expect(createHealthStore(dir).read('job')).toBeNull();
  });

  it('reads a file longer than its buffer whole (padding before the line)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'job.health'), `${' '.repeat(10_000)}success:2026-11-29T10:00:00Z:0\n`);
    expect(createHealthStore(dir).read('job')).toEqual({ status: 'success', timestamp: '2026-11-29T10:00:00Z', exit_code: 0 });
  });
});

// The one atomic writer: whole files (sync and async) and the streaming writer, on a real
// file system: the target holds the old content or the new, never a part, and no temp file stays.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAtomic, tempNameFor, writeFileAtomic, writeFileAtomicAsync } from '../../src/adapters/atomicWrite.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces a file whole, with the mode asked, leaving no temp file', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, 'new content', { mode: 0o600 });
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('writes to a Buffer path with bytes that are not UTF-8', () => {
    const file = Buffer.concat([Buffer.from(`${dir}/odd`), Buffer.from([0xff])]);
    writeFileAtomic(file, Buffer.from([1, 2, 3]));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
  });

  it('replaces a symlink at the target by a file, never writing through it', () => {
    const outside = path.join(dir, 'outside.txt');
    fs.writeFileSync(outside, 'keep');
    const file = path.join(dir, 'link.json');
    fs.symlinkSync(outside, file);
    writeFileAtomic(file, 'mine');
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
    expect(fs.lstatSync(file).isFile()).toBe(true);
  });
});

describe('writeFileAtomicAsync', () => {
  it('replaces a file whole, leaving no temp file', async () => {
    const file = path.join(dir, 'task.health');
    await writeFileAtomicAsync(file, 'success:2025-06-02T10:00:00Z:0\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('success:2025-06-02T10:00:00Z:0\n');
    expect(fs.readdirSync(dir)).toEqual(['task.health']);
  });

  it('shows the old content until the new one is synced and renamed over it', async () => {
    const file = path.join(dir, 'task.health');
    fs.writeFileSync(file, 'failed:2025-06-02T09:00:00Z:1\n');
    const writing = writeFileAtomicAsync(file, 'success:2025-06-02T10:00:00Z:0\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('failed:2025-06-02T09:00:00Z:1\n');
    await writing;
    expect(fs.readFileSync(file, 'utf8')).toBe('success:2025-06-02T10:00:00Z:0\n');
  });

  it('rejects with the error of a missing folder', async () => {
    await expect(writeFileAtomicAsync(path.join(dir, 'gone', 'task.health'), 'x\n')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('leaves no temp file when the rename fails (the target is a folder)', async () => {
    const target = path.join(dir, 'task.health');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomicAsync(target, 'x\n')).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['task.health']);
    expect(fs.readdirSync(target)).toEqual(['inside']);
  });
});

describe('openAtomic', () => {
  it('shows nothing at the target until commit', () => {
    const file = path.join(dir, 'inventory.json');
    fs.writeFileSync(file, 'old');
    const writer = openAtomic(file);
    for (let i = 0; i < 20_000; i += 1) writer.write(`line ${i}\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    writer.commit();
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(20_001);
    expect(fs.readdirSync(dir)).toEqual(['inventory.json']);
  });

  it('keeps the old file and removes the temp file on abort', () => {
    const file = path.join(dir, 'inventory.json');
    fs.writeFileSync(file, 'old');
    const writer = openAtomic(file);
    writer.write('half');
    writer.abort();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['inventory.json']);
  });
});

describe('tempNameFor', () => {
  it('names the temp file after its target, for strings and byte paths alike', () => {
    expect(tempNameFor('/x/a.json', 'spool')).toMatch(/^\/x\/a\.json\.spool-\d+-[0-9a-f]{8}[0-9a-z]+$/);
    expect(tempNameFor(Buffer.from('/x/a.json')).toString()).toMatch(/^\/x\/a\.json\.tmp-\d+-[0-9a-f]{8}[0-9a-z]+$/);
  });

  it('never gives the same name twice in a process', () => {
    const names = new Set(Array.from({ length: 1000 }, () => tempNameFor('/x/a.health')));
    expect(names.size).toBe(1000);
  });
});

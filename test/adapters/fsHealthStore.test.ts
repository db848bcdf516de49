// Health files read back by the store `status` uses: what was written, nothing for a missing or
// unreadable file, and a file longer than the read buffer read whole. Written through libuv's
// pool, and through the spawn helper's writer thread, as the engine does when the helper runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AtomicFileWriter } from '../../src/adapters/atomicWrite.js';
import { createHealthStore, createHealthStore as createStore } from '../../src/adapters/fsHealthStore.js';
import { createHelperBackend } from '../../src/adapters/process/helperBackend.js';
import { buildSpawnHelper, helperBinary, helperPids } from '../helpers/spawnHelper.js';

beforeAll(() => buildSpawnHelper());

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

const at = (minute: number) => `2026-11-29T10:${String(minute).padStart(2, '0')}:00Z`;

describe.each([
  ["libuv's pool", (): AtomicFileWriter | null => null],
  ["the spawn helper's writer thread", (): AtomicFileWriter | null => createHelperBackend(helperBinary)!.files!],
])('the health store writing many files through %s', (_, writer) => {
  const createHealthStore: typeof createStore = (dir, onError) => createStore(dir, onError, writer());

  it('writes every task the latest content it was given, atomically, once flushed', async () => {
    const dir = path.join(tempDir(), 'automation_health');
    const store = createHealthStore(dir);
    for (let minute = 0; minute < 5; minute++) {
      for (let task = 0; task < 40; task++) store.write(`t${task}`, { status: minute === 4 && task % 2 ? 'failed' : 'success', timestamp: at(minute), exit_code: minute === 4 && task % 2 ? 1 : 0 });
      // Some turns of the event loop between the bursts: each burst is a batch of its own.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await store.flush();
    for (let task = 0; task < 40; task++) {
      expect(fs.readFileSync(path.join(dir, `t${task}.health`), 'utf8')).toBe(task % 2 ? `failed:${at(4)}:1\n` : `success:${at(4)}:0\n`);
    }
    // Nothing but the health files: no temp file left behind.
    expect(fs.readdirSync(dir).filter((name) => !name.endsWith('.health'))).toEqual([]);
  });

  it('makes its folder again when it was removed under it', async () => {
    const dir = path.join(tempDir(), 'automation_health');
    const store = createHealthStore(dir);
    store.write('a', { status: 'success', timestamp: at(1), exit_code: 0 });
    await store.flush();
    fs.rmSync(dir, { recursive: true });
    store.write('a', { status: 'timeout', timestamp: at(2), exit_code: null });
    await store.flush();
    expect(fs.readFileSync(path.join(dir, 'a.health'), 'utf8')).toBe(`timeout:${at(2)}:\n`);
  });

  it("reports each task's failure once while it goes on, every task's, and again after its own write worked", async () => {
    const dir = path.join(tempDir(), 'automation_health');
    const errors: string[] = [];
    const store = createHealthStore(dir, (task, error) => errors.push(`${task}: ${error.message}`));
    for (const task of ['a', 'b']) fs.mkdirSync(path.join(dir, `${task}.health`), { recursive: true }); // folders where the files go
    for (let round = 0; round < 3; round++) {
      for (const task of ['a', 'b', 'fine']) store.write(task, { status: 'success', timestamp: at(round), exit_code: 0 });
      await store.flush();
    }
    // Each said once (in whichever order the pool finished them).
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(['a', 'b']);
    for (const error of errors) expect(error).toMatch(/^[ab]: .*(EISDIR|directory)/);
    // a's own write works again, then fails again: said again; b's goes on: not said again.
    fs.rmSync(path.join(dir, 'a.health'), { recursive: true });
    store.write('a', { status: 'success', timestamp: at(5), exit_code: 0 });
    await store.flush();
    fs.rmSync(path.join(dir, 'a.health'));
    fs.mkdirSync(path.join(dir, 'a.health'));
    for (const task of ['a', 'b']) store.write(task, { status: 'success', timestamp: at(6), exit_code: 0 });
    await store.flush();
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(['a', 'a', 'b']);
    expect(fs.readFileSync(path.join(dir, 'fine.health'), 'utf8')).toBe(`success:${at(2)}:0\n`);
  });

  it('keeps each task in order: the last content written wins', async () => {
    const dir = path.join(tempDir(), 'automation_health');
    const store = createHealthStore(dir);
    for (let minute = 0; minute < 30; minute++) store.write(minute % 2 ? 'odd' : 'even', { status: 'success', timestamp: at(minute), exit_code: minute });
    await store.flush();
    expect(fs.readFileSync(path.join(dir, 'even.health'), 'utf8')).toBe(`success:${at(28)}:28\n`);
    expect(fs.readFileSync(path.join(dir, 'odd.health'), 'utf8')).toBe(`success:${at(29)}:29\n`);
  });
});

describe("the health store when the spawn helper dies with writes it has not answered", () => {
  it("has the pool write each task's latest content, and goes on with a new helper", async () => {
    const dir = path.join(tempDir(), 'automation_health');
    const errors: string[] = [];
    const backend = createHelperBackend(helperBinary)!;
    const store = createStore(dir, (task, error) => errors.push(`${task}: ${error.message}`), backend.files!);
    const before = new Set(helperPids());
    store.write('a', { status: 'success', timestamp: at(1), exit_code: 0 });
    await store.flush();
    const [helper] = helperPids().filter((pid) => !before.has(pid));
    expect(helper).toBeGreaterThan(0);
    process.kill(helper!, 'SIGSTOP'); // asked for, never answered
    store.write('a', { status: 'failed', timestamp: at(2), exit_code: 1 });
    store.write('b', { status: 'success', timestamp: at(2), exit_code: 0 });
    store.write('a', { status: 'failed', timestamp: at(3), exit_code: 2 });
    process.kill(helper!, 'SIGKILL');
    await store.flush();
    expect(fs.readFileSync(path.join(dir, 'a.health'), 'utf8')).toBe(`failed:${at(3)}:2\n`);
    expect(fs.readFileSync(path.join(dir, 'b.health'), 'utf8')).toBe(`success:${at(2)}:0\n`);
    store.write('b', { status: 'timeout', timestamp: at(4), exit_code: null });
    await store.flush();
    expect(fs.readFileSync(path.join(dir, 'b.health'), 'utf8')).toBe(`timeout:${at(4)}:\n`);
    expect(helperPids().filter((pid) => !before.has(pid) && pid !== helper)).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.health', 'b.health']);
  });
});

describe('the temp files of health files a dead process was writing', () => {
  it("are removed by sweepLeftovers; a live process's, and anything else, are left", () => {
    const dir = tempDir();
    const dead = 2 ** 22 + 12345; // above pid_max's default: no such process
    const names = [`a.health.tmp-${dead}-0123abcd0`, `b.health.tmp-${process.pid}-0123abcd1`, `c.health.tmp-1-0123abcd2`, 'd.health', 'e.health.bak'];
    for (const name of names) fs.writeFileSync(path.join(dir, name), 'success:2026-11-29T10:00:00Z:0\n');
    expect(createHealthStore(dir).sweepLeftovers?.()).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(names.slice(1).sort());
  });
});

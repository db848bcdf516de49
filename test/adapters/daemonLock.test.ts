import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDaemonLock, isDaemonLockHeld } from '../../src/adapters/daemonLock.js';

function home(): { home: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  fs.mkdirSync(path.join(dir, 'status'));
  return { home: dir, file: path.join(dir, 'status', 'daemon.lock') };
}

describe('the daemon lock', () => {
  it('is taken once per home, and released', async () => {
    const { home: dir, file } = home();
    const lock = await acquireDaemonLock(dir, file);
    expect(lock).not.toBeNull();
    expect(await acquireDaemonLock(dir, file)).toBeNull();
    expect(isDaemonLockHeld(file, dir)).toBe(true);
    lock?.release();
    expect(isDaemonLockHeld(file, dir)).toBe(false);
    const again = await acquireDaemonLock(dir, file);
    expect(again).not.toBeNull();
    again?.release();
  });

  it('still holds the home when status/ is removed, is seen held there, and repair() takes the file again', async () => {
    const { home: dir, file } = home();
    const lock = await acquireDaemonLock(dir, file);
    fs.rmSync(path.join(dir, 'status'), { recursive: true });
    expect(await acquireDaemonLock(dir, path.join(dir, 'elsewhere.lock'))).toBeNull();
    expect(isDaemonLockHeld(file)).toBe(false); // the file alone says nothing now
    expect(isDaemonLockHeld(file, dir)).toBe(true);
    expect(lock?.repair()).toBe(true);
    expect(isDaemonLockHeld(file)).toBe(true);
    expect(lock?.repair()).toBe(false); // nothing to do
    lock?.release();
    expect(isDaemonLockHeld(file, dir)).toBe(false);
  });

  it('is not held for another home', async () => {
    const a = home();
    const b = home();
    const lock = await acquireDaemonLock(a.home, a.file);
    expect(isDaemonLockHeld(b.file, b.home)).toBe(false);
    const other = await acquireDaemonLock(b.home, b.file);
    expect(other).not.toBeNull();
    other?.release();
    lock?.release();
  });
});

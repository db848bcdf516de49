// The safe-move helper (native/safe_move.c, built to dist/native/safe-move) on a real file
// system: renames beneath a root that never follow a link nor replace a file, and a lock held by
// the open file that asked for it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const helper = path.join(repoRoot, 'dist', 'native', 'safe-move');
let base: string;
let root: string;

beforeAll(() => {
  if (!fs.existsSync(helper)) throw new Error(`${helper} is missing: npm run build needs a C compiler here`);
});
beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'safe-move-')));
  root = path.join(base, 'root');
  fs.mkdirSync(path.join(root, 'a'), { recursive: true });
  fs.mkdirSync(path.join(base, 'outside'));
  fs.writeFileSync(path.join(root, 'a', 'x'), 'inside');
  fs.writeFileSync(path.join(base, 'outside', 'x'), 'outside');
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

const move = (...requests: string[][]) => {
  const input = Buffer.from(requests.flat().map((field) => `${field}\0`).join(''));
  const result = spawnSync(helper, ['move', root], { input });
  return { code: result.status, lines: result.stdout.toString().split('\n').filter(Boolean), stderr: result.stderr.toString() };
};
const request = (from: string, to: string, identity: string[] = ['-', '-', '-', '-'], mode = '700') => [from, to, ...identity, mode];

describe('safe-move move', () => {
  it('renames into new folders made with the mode asked, one reply per request', () => {
    const { code, lines } = move(request('a/x', 'q/b/files/a/x'));
    expect(code).toBe(0);
    expect(lines).toEqual(['ok']);
    expect(fs.readFileSync(path.join(root, 'q', 'b', 'files', 'a', 'x'), 'utf8')).toBe('inside');
    expect(fs.statSync(path.join(root, 'q', 'b')).mode & 0o777).toBe(0o700 & ~process.umask());
  });

  it('never goes through a symlinked folder, on either side', () => {
    fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'link'));
    const { lines } = move(request('link/x', 'y'), request('a/x', 'link/x'));
    expect(lines[0]).toMatch(/^error source ELOOP /);
    expect(lines[1]).toMatch(/^error target (ENOTDIR|ELOOP) /);
    expect(fs.readFileSync(path.join(base, 'outside', 'x'), 'utf8')).toBe('outside');
    expect(fs.readFileSync(path.join(root, 'a', 'x'), 'utf8')).toBe('inside');
  });

  it('never replaces a file (EEXIST)', () => {
    fs.writeFileSync(path.join(root, 'y'), 'there');
    expect(move(request('a/x', 'y')).lines).toEqual([expect.stringMatching(/^error rename EEXIST /)]);
    expect(fs.readFileSync(path.join(root, 'y'), 'utf8')).toBe('there');
  });

  it('refuses a file that is not the one the caller checked', () => {
    const stat = fs.lstatSync(path.join(root, 'a', 'x'), { bigint: true });
    const seen = [String(stat.dev), String(stat.ino + 1n), String(stat.size), String(stat.mtimeNs)];
    expect(move(request('a/x', 'y', seen)).lines).toEqual([expect.stringMatching(/^error changed ECHANGED /)]);
    const same = [String(stat.dev), String(stat.ino), String(stat.size), String(stat.mtimeNs)];
    expect(move(request('a/x', 'y', same)).lines).toEqual(['ok']);
  });

  it('ends without a reply on a path that leaves the root', () => {
    const { code, lines, stderr } = move(request('../outside/x', 'y'));
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr).toMatch(/leaves the root/);
  });
});

describe('safe-move lock', () => {
  const lock = (fd: number, waitMs: number) => spawnSync(helper, ['lock', String(waitMs)], { stdio: ['ignore', 'ignore', 'pipe', fd] }).status;

  it('holds the lock for the open file that took it, until it is closed', () => {
    const file = path.join(base, 'lock');
    const first = fs.openSync(file, 'a+');
    const second = fs.openSync(file, 'a+');
    expect(lock(first, 0)).toBe(0);
    expect(lock(second, 50)).toBe(1);
    fs.closeSync(first);
    expect(lock(second, 0)).toBe(0);
    fs.closeSync(second);
  });
});

// mkdir -p that gives up: Node 20's recursive mkdirSync loops for ever under /proc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/adapters/makeDirs.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'makedirs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes the missing folders, with the mode given, and takes folders that are there', () => {
    const deep = path.join(root, 'a', 'b', 'c');
    makeDirs(deep, 0o700);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(root, 'a')).mode & 0o777).toBe(0o700 & ~process.umask());
    makeDirs(deep);
    makeDirs(root);
  });

  it('throws when a file is in the way', () => {
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(() => makeDirs(path.join(root, 'file', 'x'))).toThrow(/ENOTDIR|EEXIST/);
  });

  it('throws ENOENT at once where a folder cannot be made under one that exists (/proc), instead of looping', () => {
    // In a child (the build's copy), so that a loop would be a timeout, not a hung test run.
    const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/adapters/makeDirs.js');
    const script = `import('${module}').then(({ makeDirs }) => { try { makeDirs('/proc/nope/x'); } catch (e) { console.log(e.code); } })`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.stdout.trim()).toBe('ENOENT');
  });
});

// `inventory` through the real CLI on small trees: where it may write, and what it does with
// files that change under it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

let base: string;
let root: string;
let outside: string;
const inventory = (...args: string[]) => runCli(['inventory', '--root', root, ...args], { cwd: root });

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-inv-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'a.txt'), 'same\n');
  fs.writeFileSync(path.join(root, 'b.txt'), 'same\n');
  fs.symlinkSync(outside, path.join(root, 'outdir'));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('when --output names a place the inventory may not go', () => {
  it.each([
    ['outside the root', () => path.join(outside, 'inv.json'), /--output must name a file inside the root/],
    ['through a symlinked folder', () => 'outdir/inv.json', /--output outdir\/inv\.json cannot be used\n\s+--output: goes through a symlink \(outdir\)/],
  ])('refuses a file %s naming --output, not --inventory (exit 1)', (_case, output, message) => {
    const result = inventory('--output', output());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/--inventory/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

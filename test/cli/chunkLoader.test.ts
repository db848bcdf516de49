// The loader of the CLI's bundled chunks: CommonJS semantics (once per process, require between
// chunks and of Node's modules, strict code) and V8's code cache (written whole after a command,
// taken by the next process, a damaged one compiled afresh and replaced, an unwritable folder no
// error). Caches are checked in fresh `node` processes: V8 takes a cache only from an isolate
// with its own version and flags, and vitest's workers run with flags of their own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkLoader } from '../../src/cli/chunkLoader.js';
import { repoRoot } from '../helpers/cli.js';

const builtLoader = path.join(repoRoot, 'dist', 'cli', 'chunkLoader.js');

let dir: string;
let cacheDir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chunk-loader-'));
  cacheDir = path.join(dir, 'cache', 'run');
  fs.writeFileSync(
    path.join(dir, 'entry.cjs'),
    [
      '"use strict";',
      'const shared = require("./chunk-SHARED.cjs");',
      'const other = require("./chunk-OTHER.cjs");',
      'const { basename } = require("node:path");',
      'exports.sum = shared.count + other.count;',
      'exports.file = basename(__filename);',
      'exports.dir = __dirname;',
      'exports.strict = (function () { return this; })() === undefined;',
      'exports.sameShared = other.shared === shared;',
      'exports.resolves = typeof require.resolve === "function" && typeof require.cache === "object";',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'chunk-SHARED.cjs'), 'globalThis.__sharedRuns = (globalThis.__sharedRuns ?? 0) + 1;\nexports.count = 1;\n');
  fs.writeFileSync(path.join(dir, 'chunk-OTHER.cjs'), 'exports.shared = require("./chunk-SHARED.cjs");\nexports.count = 2;\n');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete (globalThis as Record<string, unknown>).__sharedRuns;
});

/** Loads entry.cjs in a fresh node process with the built loader; saves when asked; prints its stats. */
function loadInChild(cache: string | null, save: boolean): { cached: number; compiled: number; sum: number } {
  const script = [
    `import { ChunkLoader } from ${JSON.stringify(builtLoader)};`,
    `const loader = new ChunkLoader(${JSON.stringify(dir)}, ${JSON.stringify(cache)});`,
    `const { sum } = loader.load('entry.cjs');`,
    save ? 'loader.save();' : '',
    'console.log(JSON.stringify({ ...loader.stats(), sum }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as { cached: number; compiled: number; sum: number };
}

describe('ChunkLoader', () => {
  it('runs each chunk once, as a strict CommonJS module that requires its neighbours and Node modules', () => {
    const loader = new ChunkLoader(dir, null);
    const entry = loader.load('entry.cjs') as Record<string, unknown>;
    expect(entry).toEqual({ sum: 3, file: 'entry.cjs', dir, strict: true, sameShared: true, resolves: true });
    expect(loader.load('entry.cjs')).toBe(entry);
    expect((globalThis as Record<string, unknown>).__sharedRuns).toBe(1);
    expect(loader.stats()).toEqual({ cached: 0, compiled: 3 });
  });

  it('without a cache folder reads and writes no cache', () => {
    const loader = new ChunkLoader(dir, null);
    loader.load('entry.cjs');
    loader.save();
    expect(fs.existsSync(path.join(dir, 'cache'))).toBe(false);
  });

  it('writes each compiled chunk\'s cache on save, and the next process compiles none of them', () => {
    expect(loadInChild(cacheDir, true)).toEqual({ cached: 0, compiled: 3, sum: 3 });
    expect(fs.readdirSync(cacheDir).sort()).toEqual(['chunk-OTHER.cjs.cache', 'chunk-SHARED.cjs.cache', 'entry.cjs.cache']);
    expect(loadInChild(cacheDir, true)).toEqual({ cached: 3, compiled: 0, sum: 3 });
  });

  it('compiles a chunk afresh when its cache is damaged, and replaces the cache', () => {
    loadInChild(cacheDir, true);
    const damaged = path.join(cacheDir, 'chunk-OTHER.cjs.cache');
    fs.writeFileSync(damaged, Buffer.from('not a code cache'));
    expect(loadInChild(cacheDir, true)).toEqual({ cached: 2, compiled: 1, sum: 3 });
    expect(fs.statSync(damaged).size).toBeGreaterThan(100);
    expect(loadInChild(cacheDir, false)).toEqual({ cached: 3, compiled: 0, sum: 3 });
  });

  it('compiles a chunk afresh when its source changed since the cache was made', () => {
    loadInChild(cacheDir, true);
    fs.writeFileSync(path.join(dir, 'chunk-OTHER.cjs'), 'exports.shared = require("./chunk-SHARED.cjs");\nexports.count = 20; // changed\n');
    expect(loadInChild(cacheDir, false)).toEqual({ cached: 2, compiled: 1, sum: 21 });
  });

  it('leaves no temporary file behind and no error when the cache folder cannot be made', () => {
    const blocker = path.join(dir, 'cache');
    fs.writeFileSync(blocker, 'a file where the folder would be');
    const loader = new ChunkLoader(dir, path.join(blocker, 'run'));
    expect((loader.load('entry.cjs') as { sum: number }).sum).toBe(3);
    expect(() => loader.save()).not.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['cache', 'chunk-OTHER.cjs', 'chunk-SHARED.cjs', 'entry.cjs']);
  });

  it('runs a chunk again after its first run threw, as Node does', () => {
    fs.writeFileSync(path.join(dir, 'chunk-BAD.cjs'), 'globalThis.__badRuns = (globalThis.__badRuns ?? 0) + 1;\nthrow new Error("broken chunk");\n');
    const loader = new ChunkLoader(dir, null);
    expect(() => loader.load('chunk-BAD.cjs')).toThrow('broken chunk');
    expect(() => loader.load('chunk-BAD.cjs')).toThrow('broken chunk');
    expect((globalThis as Record<string, unknown>).__badRuns).toBe(2);
    delete (globalThis as Record<string, unknown>).__badRuns;
  });
});

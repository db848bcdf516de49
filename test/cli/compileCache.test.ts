// Which compile cache a command uses, and when the bin keeps what it compiled.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheDir, markCommandRan, worthKeeping } from '../../src/cli/compileCache.js';

const dir = '/opt/conductor/dist/cli';

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('symphony-conductor.command-ran')];
});

describe('compileCacheDir', () => {
  it('is one folder per Node version and command, beside the chunks', () => {
    expect(compileCacheDir(dir, 'status', {})).toBe(path.join(dir, 'compile-cache', `${process.version}-${process.arch}`, 'status'));
    expect(compileCacheDir(dir, 'import-crontab', {})).toBe(path.join(dir, 'compile-cache', `${process.version}-${process.arch}`, 'import-crontab'));
  });

  it('is none for the daemon, for no command, for a word that is no command name, and when CONDUCTOR_NO_COMPILE_CACHE is set', () => {
    expect(compileCacheDir(dir, 'start', {})).toBeNull();
    expect(compileCacheDir(dir, null, {})).toBeNull();
    expect(compileCacheDir(dir, '../../etc', {})).toBeNull();
    expect(compileCacheDir(dir, 'Status', {})).toBeNull();
    expect(compileCacheDir(dir, 'status', { CONDUCTOR_NO_COMPILE_CACHE: '1' })).toBeNull();
  });
});

describe('worthKeeping', () => {
  it('keeps nothing until the CLI says a command ran (not --help, not a typo)', () => {
    expect(worthKeeping(0)).toBe(false);
  });

  it('keeps the caches of a command that did its work, a run whose task failed included, not of one that stopped on an error', () => {
    markCommandRan();
    expect(worthKeeping(0)).toBe(true);
    expect(worthKeeping(8)).toBe(true);
    expect(worthKeeping(1)).toBe(false);
    expect(worthKeeping(3)).toBe(false);
  });
});

// The inventory's pure decisions: the reasons a file is a candidate, and which copy of a duplicate stays.
import { describe, expect, it } from 'vitest';
import { fromText } from '../../../src/maintenance/shared/bytePath.js';
import { chooseKeeper, type KeeperCandidate } from '../../../src/maintenance/inventory/chooseKeeper.js';
import { reasonKind, reasonsFor } from '../../../src/maintenance/inventory/reasons.js';

describe('reasons', () => {
  const now = Date.parse('2025-06-30T00:00:00Z');
  const settings = { logAgeMs: 30 * 86_400_000, largeBytes: 1024 };
  const facts = (rel: string, extra: Partial<{ size: number; ageDays: number; git: 'tracked' | 'untracked' | 'ignored' | 'none'; kind: 'file' | 'symlink' }> = {}) => ({
    rel: fromText(rel),
    kind: extra.kind ?? 'file',
    size: extra.size ?? 10,
    mtimeMs: now - (extra.ageDays ?? 1) * 86_400_000,
    git: extra.git ?? 'untracked',
  });

  it.each([
    ['notes.txt~', {}, ['editor file']],
    ['.x.swp', {}, ['editor file']],
    ['#draft#', {}, ['editor file']],
    ['a.bak', {}, ['backup file']],
    ['patch.orig', {}, ['backup file']],
    ['x.tmp', {}, ['temp file']],
    ['tmp_upload', {}, ['temp file']],
    ['e.txt', { size: 0 }, ['empty file']],
    ['pkg/__init__.py', { size: 0 }, []],
    ['logs/app.log', { ageDays: 45 }, ['old log (45 days)']],
    ['logs/app.log.3.gz', { ageDays: 45 }, ['old log (45 days)']],
    ['logs/app.log', { ageDays: 5 }, []],
    ['m.pyc', {}, ['build leftover']],
    ['a/__pycache__/x.txt', {}, ['build leftover']],
    ['big.iso', { size: 4096 }, ['large untracked file']],
    ['big.iso', { size: 4096, git: 'tracked' }, []],
    ['big.iso', { size: 4096, git: 'ignored' }, []],
    ['readme.md', {}, []],
  ] as const)('%s %j -> %j', (rel, extra, reasons) => {
    expect(reasonsFor(facts(rel, extra), settings, now)).toEqual(reasons);
  });

  it('names the kind of a reason', () => {
    expect(reasonKind('duplicate of a/b')).toBe('duplicate');
    expect(reasonKind('old log (3 days)')).toBe('old log');
  });
});

describe('chooseKeeper', () => {
  const c = (rel: string, extra: Partial<KeeperCandidate>): KeeperCandidate => ({ rel: fromText(rel), git: 'untracked', hasReasons: false, mtimeMs: 0, order: 0, size: 1, ...extra });

  it.each([
    ['a tracked copy over an older untracked one', c('t', { git: 'tracked', mtimeMs: 9 }), c('u', { mtimeMs: 1 }), 't'],
    ['a copy without other reasons over an older backup', c('x.bak', { hasReasons: true, mtimeMs: 1 }), c('x', { mtimeMs: 9 }), 'x'],
    ['the older copy', c('new', { mtimeMs: 9 }), c('old', { mtimeMs: 1 }), 'old'],
    ['the first in path order when all else is equal', c('a', { order: 1 }), c('b', { order: 2 }), 'a'],
  ])('keeps %s', (_name, x, y, kept) => {
    expect(chooseKeeper(x, y).rel).toBe(kept);
    expect(chooseKeeper(y, x).rel).toBe(kept);
  });
});

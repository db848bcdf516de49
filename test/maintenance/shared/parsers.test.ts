// The small pure parts every feature shares: protected patterns, state paths, byte paths.
import { describe, expect, it } from 'vitest';
import { bytesOf, displayPath, fromJsonPath, fromText, isContainedRelative, quotePath, toJsonPath, type BytePath } from '../../../src/maintenance/shared/bytePath.js';
import { isStatePath } from '../../../src/maintenance/shared/maintenanceRoot.js';
import { compilePattern, DEFAULT_PROTECTED, protectedBy } from '../../../src/maintenance/shared/protectPatterns.js';

const b = (text: string) => text as BytePath;

describe('protected patterns', () => {
  it.each([
    ['src/', 'src/a.ts', true],
    ['src/', 'pkg/src/deep/a.ts', true],
    ['src/', 'srcs/a.ts', false],
    ['.git/', '.git', true],
    ['.git/', 'sub/.git/config', true],
    ['*.db', 'status/conductor.db', true],
    ['*.db', 'status/conductor.db.bak', false],
    ['status/conductor.db', 'status/conductor.db', true],
    ['status/conductor.db', 'x/status/conductor.db', false],
    ['/data', 'data/a', true],
    ['data/*.csv', 'data/a.csv', true],
    ['data/*.csv', 'data/sub/a.csv', false],
    ['data/**/*.csv', 'data/sub/a.csv', true],
    ['file?.txt', 'file1.txt', true],
    ['a+b(c)', 'a+b(c)', true],
  ])('%s protects %s: %s', (pattern, rel, expected) => {
    expect(compilePattern(pattern).test(fromText(rel))).toBe(expected);
  });

  it('defaults protect git, config, sources, the database, dependencies and secrets', () => {
    const rules = DEFAULT_PROTECTED.map(compilePattern);
    for (const rel of ['.git/HEAD', 'config/a.bak', 'src/x.tmp', 'status/conductor.db', 'status/conductor.db-wal', 'node_modules/a/b.bak', '.env.bak']) {
      expect(protectedBy(rules, fromText(rel)), rel).not.toBeNull();
    }
    expect(protectedBy(rules, fromText('report.bak'))).toBeNull();
  });

  it('refuses an empty pattern', () => {
    expect(() => compilePattern('  ')).toThrow(/Bad protected pattern/);
  });
});

describe('the tools\' own state', () => {
  it.each([
    ['.quarantine', true],
    ['.quarantine/x/files/a', true],
    ['cleanup_actions.log', true],
    ['cleanup_inventory.json', true],
    ['cleanup_inventory.json.tmp-1-ab', true],
    ['.cleanup_registry.json', true],
    ['sub/cleanup_actions.log', false],
    ['quarantine', false],
  ])('%s is state: %s', (rel, expected) => {
    expect(isStatePath(fromText(rel))).toBe(expected);
  });
});

describe('byte paths', () => {
  const ff = bytesOf(Buffer.from([0x61, 0xff, 0x0a, 0x62]));

  it('round-trips a non-UTF-8 name through JSON exactly', () => {
    const json = toJsonPath(ff);
    expect(json.path_b64).toBe(Buffer.from([0x61, 0xff, 0x0a, 0x62]).toString('base64'));
    expect(fromJsonPath(json.path, json.path_b64)).toBe(ff);
  });

  it('writes UTF-8 names as plain text', () => {
    const name = fromText('héllo wörld.txt');
    expect(toJsonPath(name)).toEqual({ path: 'héllo wörld.txt' });
    expect(fromJsonPath('héllo wörld.txt', undefined)).toBe(name);
  });

  it.each([
    [fromText('plain name.txt'), 'plain name.txt'],
    [fromText('new\nline'), "$'new\\nline'"],
    [ff, "$'a\\xff\\nb'"],
    [fromText("it's\\x"), "it's\\x"],
  ])('quotes %j for text as %s', (path, text) => {
    expect(quotePath(path)).toBe(text);
  });

  it('displays invalid bytes as \\xNN', () => {
    expect(displayPath(ff)).toBe('a\\xff\nb');
  });

  it.each([
    ['a/b', true],
    ['', false],
    ['/etc/passwd', false],
    ['../x', false],
    ['a/../../x', false],
    ['a//b', false],
    ['./a', false],
  ])('%j stays inside the root: %s', (rel, expected) => {
    expect(isContainedRelative(b(rel))).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeSurrogateEscape } from '../../../src/core/bytes/decodeSurrogateEscape.js';
import { encodeSurrogateEscape, hasEscapedBytes } from '../../../src/core/bytes/surrogateEscape.js';
import { correlationIdOf } from '../../../src/core/watch/correlationId.js';
import { NAME_MAX, statusFileName, suffixedName } from '../../../src/core/watch/fileNames.js';
import { fileOutcome } from '../../../src/core/watch/fileOutcome.js';
import { compilePattern, isUnfinishedName } from '../../../src/core/watch/namePattern.js';
import { onceExitCode } from '../../../src/core/watch/onceExitCode.js';
import { settleCheck } from '../../../src/core/watch/settleCheck.js';

describe('compilePattern', () => {
  it.each([
    ['*', 'anything.json', true],
    ['*', 'a name with spaces and\nnewlines', true],
    ['intent-*.json', 'intent-1.json', true],
    ['intent-*.json', 'intent-.json', true],
    ['intent-*.json', 'intent-1.json.bak', false],
    ['intent-*.json', 'xintent-1.json', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['file?.txt', 'file\u{1F600}.txt', true],
    ['[abc].csv', 'b.csv', true],
    ['[abc].csv', 'd.csv', false],
    ['[!abc].csv', 'd.csv', true],
    ['[^abc].csv', 'a.csv', false],
    ['[a-c]*', 'car', true],
    ['[a-c]*', 'dog', false],
    ['[]]x', ']x', true],
    ['*.{json,yaml}', 'a.yaml', true],
    ['*.{json,yaml}', 'a.yml', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axxb', false],
    ['(x)+.$', '(x)+.$', true],
    ['*', `bytes-${String.fromCharCode(0xdcff)}.json`, true],
  ])('%j on %j: %s', (pattern, name, expected) => {
    const compiled = compilePattern(pattern);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.test(name)).toBe(expected);
  });

  it.each([
    ['.hidden.json'],
    ['intent-1.json.tmp'],
    ['intent-1.json.part'],
    ['intent-1.json~'],
  ])('never matches %j, a name writers use while a file is unfinished', (name) => {
    expect(isUnfinishedName(name)).toBe(true);
    const compiled = compilePattern('*');
    expect(compiled.ok && compiled.test(name)).toBe(false);
  });

  it.each([
    ['dir/*.json', "holds a '/'"],
    ['[abc', "'[' with no closing ']'"],
    ['{a,b', "'{' with no closing '}'"],
    ['{a,{b,c}}', 'cannot be nested'],
    ['x\\', "lone '\\'"],
    ['[z-a]', 'runs backwards'],
  ])('refuses %j, saying what is wrong', (pattern, words) => {
    const compiled = compilePattern(pattern);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toContain(words);
  });
});

describe('surrogateescape', () => {
  it.each([
    ['plain ASCII', Buffer.from('intent-1.json')],
    ['UTF-8 text', Buffer.from('caf\u00e9 \u{1F600}.json')],
    ['a Latin-1 byte', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6a])],
    ['invalid bytes only', Buffer.from([0xff, 0xfe, 0x80])],
    ['a truncated sequence', Buffer.from([0x61, 0xe2, 0x82])],
    ['a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf, 0x61])],
    ['an encoded surrogate (not UTF-8)', Buffer.from([0xed, 0xb3, 0xbf])],
  ])('%s round-trips exactly, through JSON too', (_label, bytes) => {
    const text = decodeSurrogateEscape(bytes);
    expect(encodeSurrogateEscape(text).equals(bytes)).toBe(true);
    expect(encodeSurrogateEscape(JSON.parse(JSON.stringify(text)) as string).equals(bytes)).toBe(true);
  });

  it('marks text that came from bytes that are not UTF-8, and only that', () => {
    expect(hasEscapedBytes(decodeSurrogateEscape(Buffer.from([0x61, 0xff])))).toBe(true);
    expect(hasEscapedBytes('caf\u00e9 \u{1F600}')).toBe(false);
  });
});

describe('settleCheck', () => {
  const ms = (n: number) => BigInt(n) * 1_000_000n;
  it.each([
    ['first sight of a file written just now', null, { size: 10, mtimeNs: ms(1000) }, 1000, 200, 'wait', 1200],
    ['first sight of a file last written long ago (there at start)', null, { size: 10, mtimeNs: ms(0) }, 1000, 200, 'ready', null],
    ['first sight with settle_ms 0', null, { size: 10, mtimeNs: ms(1000) }, 1000, 0, 'ready', null],
    ['first sight of a file written 150 ms ago', null, { size: 10, mtimeNs: ms(850) }, 1000, 200, 'wait', 1050],
    ['an mtime in the future counts from now', null, { size: 10, mtimeNs: ms(5000) }, 1000, 200, 'wait', 1200],
    ['unchanged since the last look, long enough', { size: 10, mtimeNs: ms(1000), stableSince: 1000 }, { size: 10, mtimeNs: ms(1000) }, 1200, 200, 'ready', null],
    ['unchanged, not long enough', { size: 10, mtimeNs: ms(1000), stableSince: 1000 }, { size: 10, mtimeNs: ms(1000) }, 1100, 200, 'wait', 1200],
    ['grown since the last look', { size: 10, mtimeNs: ms(1000), stableSince: 1000 }, { size: 20, mtimeNs: ms(1150) }, 1200, 200, 'wait', 1350],
    ['same size, new mtime', { size: 10, mtimeNs: ms(1000), stableSince: 1000 }, { size: 10, mtimeNs: ms(1190) }, 1200, 200, 'wait', 1390],
  ] as const)('%s: %s', (_label, previous, current, now, settle, kind, until) => {
    const result = settleCheck(previous, current, now, settle);
    expect(result.kind).toBe(kind);
    if (result.kind === 'wait') expect(result.until).toBe(until);
  });
});

describe('file names', () => {
  it.each([
    ['intent-1.json', 1, 'intent-1-1.json'],
    ['intent-1.json', 12, 'intent-1-12.json'],
    ['archive.tar.gz', 2, 'archive.tar-2.gz'],
    ['README', 3, 'README-3'],
  ])('%s with clash %i becomes %s', (name, n, expected) => {
    expect(suffixedName(Buffer.from(name), n).toString()).toBe(expected);
  });

  it('keeps a suffixed name within NAME_MAX, shortening the stem and keeping the extension', () => {
    const long = Buffer.from(`${'x'.repeat(250)}.json`);
    const named = suffixedName(long, 42);
    expect(named.length).toBe(NAME_MAX);
    expect(named.toString().endsWith('-42.json')).toBe(true);
  });

  it.each([
    [1, 'a.json-20250602-021503.status'],
    [2, 'a.json-20250602-021503-2.status'],
  ])('names the status file with the UTC second (clash %i)', (n, expected) => {
    expect(statusFileName(Buffer.from('a.json'), Date.parse('2025-06-02T02:15:03.999Z'), n).toString()).toBe(expected);
  });

  it('keeps a status file name within NAME_MAX, keeping the exact bytes of what is left of the name', () => {
    const name = Buffer.concat([Buffer.from([0xff]), Buffer.alloc(254, 0x61)]);
    const status = statusFileName(name, 0);
    expect(status.length).toBe(NAME_MAX);
    expect(status[0]).toBe(0xff);
    expect(status.toString('latin1').endsWith('-19700101-000000.status')).toBe(true);
  });
});

describe('fileOutcome', () => {
  it.each([
    ['success', null, 'SUCCESS', 'done', 'processed'],
    ['failed', 'exit code 1', 'FAILED', 'failed', 'failed'],
    ['timeout', null, 'FAILED', 'failed', 'failed'],
    ['cancelled', 'cancelled by bob', 'FAILED', 'failed', 'failed'],
    ['skipped', 'rejected by bob: no', 'FAILED', 'failed', 'failed'],
    ['skipped', 'rejected by api:ci', 'FAILED', 'failed', 'failed'],
    ['skipped', 'approval timed out', 'FAILED', 'failed', 'failed'],
    ['interrupted', 'interrupted: the daemon stopped (SIGTERM)', 'UNSPECIFIED', 'pending', null],
    ['skipped', 'budget exhausted: 48 runs today (max_runs_per_day 48)', 'UNSPECIFIED', 'pending', null],
    ['skipped', 'needs approval: a foreground run does not wait for one (run it with --approved)', 'UNSPECIFIED', 'pending', null],
    ['skipped', null, 'UNSPECIFIED', 'pending', null],
  ] as const)('a run that ended %s (%s): status %s, row %s, moved to %s', (run, reason, status, state, moveTo) => {
    expect(fileOutcome(run, reason)).toEqual({ status, state, moveTo });
  });
});

describe('onceExitCode', () => {
  it.each([
    ['every file succeeded', { failed: 0, leftOver: 0, signalled: false }, 0],
    ['one failed for real', { failed: 1, leftOver: 0, signalled: false }, 8],
    ['the timeout left files', { failed: 0, leftOver: 3, signalled: false }, 8],
    ['a signal stopped it', { failed: 2, leftOver: 3, signalled: true }, 3],
  ])('%s: exit %i', (_label, tally, code) => {
    expect(onceExitCode(tally)).toBe(code);
  });
});

describe('correlationIdOf', () => {
  it.each([
    [{ correlation_id: 'req-123' }, 'req-123'],
    [{ correlation_id: 42 }, '42'],
    [{ correlation_id: '' }, null],
    [{ correlation_id: 'a\0b' }, null],
    [{ correlation_id: 'x'.repeat(1025) }, null],
    [{ correlation_id: { nested: true } }, null],
    [{ nested: { correlation_id: 'deep' } }, null],
    [['correlation_id'], null],
    ['correlation_id', null],
  ])('%j -> %j', (value, expected) => {
    expect(correlationIdOf(value)).toBe(expected);
  });
});

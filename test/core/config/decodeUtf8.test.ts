import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from '../../../src/core/config/decodeUtf8.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const strictlyValid = (data: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
};

describe('firstInvalidUtf8', () => {
  it.each([
    ['ASCII', bytes(0x61, 0x62), 2],
    ['two-byte é', bytes(0xc3, 0xa9), 2],
    ['three-byte €', bytes(0xe2, 0x82, 0xac), 3],
    ['four-byte emoji', bytes(0xf0, 0x9f, 0x98, 0x80), 4],
    ['a Latin-1 é', bytes(0x61, 0xe9, 0x62), 1],
    ['a lone continuation byte', bytes(0x80), 0],
    ['an overlong slash (C0 AF)', bytes(0x61, 0xc0, 0xaf), 1],
    ['an overlong three-byte form (E0 80 80)', bytes(0xe0, 0x80, 0x80), 0],
    ['a UTF-16 surrogate (ED A0 80)', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['F5, never valid', bytes(0xf5, 0x80, 0x80, 0x80), 0],
    ['a sequence cut by the end of the file', bytes(0x61, 0xe2, 0x82), 1],
    ['a sequence cut by ASCII', bytes(0xe2, 0x41, 0x42), 0],
  ])('%s', (_label, data, expected) => {
    expect(firstInvalidUtf8(data)).toBe(expected);
    expect(strictlyValid(data)).toBe(expected === data.length);
  });

  it('agrees with the strict TextDecoder on 20,000 random byte strings', () => {
    let state = 1;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pool = [0x41, 0x0a, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xff];
    const disagreements: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const data = Uint8Array.from({ length: 1 + Math.floor(random() * 6) }, () => pool[Math.floor(random() * pool.length)] as number);
      if ((firstInvalidUtf8(data) === data.length) !== strictlyValid(data)) disagreements.push(Buffer.from(data).toString('hex'));
    }
    expect(disagreements).toEqual([]);
  });
});

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a byte-order mark', () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0xc3, 0xa9, 0x7d), 'f.json')).toEqual({ ok: true, text: '{é}' });
  });

  it('names the line and column of the first bad byte, counting characters, not bytes', () => {
    const text = Buffer.concat([Buffer.from('{\n  "tasks": [\n    "été ', 'utf8'), Buffer.from([0xe9]), Buffer.from('"]}')]);
    expect(decodeUtf8(text, 'f.json')).toEqual({
      ok: false,
      problem: { where: 'f.json:3:10', message: 'not valid UTF-8 (byte 0xE9); save the config as UTF-8' },
    });
  });
});

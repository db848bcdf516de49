// The dashboard's files as the server holds them (read once from the build, with their stored
// compressed copies), which body answers which Accept-Encoding, and which URLs may carry the
// token in their query (the event stream's only).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventStreamToken } from '../../../src/adapters/http/auth.js';
import { pickEncoding } from '../../../src/adapters/http/pickEncoding.js';
import { loadWebAssets } from '../../../src/adapters/http/webAssets.js';

describe('loadWebAssets', () => {
  it('maps each built file to its URL path with its type, ETag, cache rule and stored copies', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-web-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(root, 'assets', 'main-AB12.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'assets', 'main-AB12.js.br'), 'br-bytes');
    fs.writeFileSync(path.join(root, 'assets', 'main-AB12.js.gz'), 'gz-bytes');
    const files = loadWebAssets(root);
    expect([...files.keys()].sort()).toEqual(['/assets/main-AB12.js', '/index.html']);
    const script = files.get('/assets/main-AB12.js');
    expect(script).toMatchObject({ type: 'text/javascript; charset=utf-8', immutable: true });
    expect(script?.bodies.br?.toString()).toBe('br-bytes');
    expect(script?.bodies.gzip?.toString()).toBe('gz-bytes');
    expect(script?.etag).toMatch(/^"[\w-]{22}"$/);
    expect(files.get('/index.html')).toMatchObject({ type: 'text/html; charset=utf-8', immutable: false });
    expect(files.get('/index.html')?.bodies.br).toBeUndefined();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is empty when the dashboard is not built (no index.html)', () => {
    expect(loadWebAssets(path.join(os.tmpdir(), 'conductor-no-such-dir')).size).toBe(0);
  });
});

describe('pickEncoding', () => {
  const both = { bodies: { identity: Buffer.from('x'), br: Buffer.from('b'), gzip: Buffer.from('g') } };
  const gzipOnly = { bodies: { identity: Buffer.from('x'), gzip: Buffer.from('g') } };
  it.each([
    ['gzip, deflate, br', both, 'br'],
    ['gzip', both, 'gzip'],
    ['br;q=0, gzip', both, 'gzip'],
    ['*', both, 'br'],
    ['*, br;q=0', both, 'gzip'],
    ['identity', both, 'identity'],
    [undefined, both, 'identity'],
    ['', both, 'identity'],
    ['br', gzipOnly, 'identity'],
    ['gzip, br', gzipOnly, 'gzip'],
  ] as const)('Accept-Encoding %j sends %s', (accept, file, expected) => {
    expect(pickEncoding(accept, file)).toBe(expected);
  });
});

describe('eventStreamToken', () => {
  it.each([
    ['/api/v1/events?token=abc', 'Bearer abc'],
    ['/api/v1/events?x=1&token=a%2Bb', 'Bearer a+b'],
    ['/api/v1/events', undefined],
    ['/api/v1/events?token=', undefined],
    ['/api/v1/status?token=abc', undefined],
    ['/api/v1/events/x?token=abc', undefined],
    ['/api/v1/runs/1/log?token=abc', undefined],
  ])('%s gives %s', (url, expected) => {
    expect(eventStreamToken(url)).toBe(expected);
  });
});

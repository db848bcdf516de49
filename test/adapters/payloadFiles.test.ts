// Webhook payload files: written whole with mode 0600 in a 0700 folder, and pruned with the
// history: only files older than the cut whose run is no longer open go.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadFile, prunePayloads, writePayload } from '../../src/adapters/payloadFiles.js';

const temp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'payloads-')), 'payloads');

describe('payload files', () => {
  it('are written with the exact bytes, mode 0600, in a folder made 0700, leaving no temp file', () => {
    const dir = temp();
    const body = Buffer.from([0x7b, 0x7d, 0x0a, 0xc3, 0xa9]);
    const file = writePayload(dir, 'run-1', body);
    expect(file).toBe(payloadFile(dir, 'run-1'));
    expect(fs.readFileSync(file)).toEqual(body);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir)).toEqual(['run-1.json']);
  });

  it('are pruned when older than the cut and their run is not open; other files stay', () => {
    const dir = temp();
    const old = new Date('2025-01-01T00:00:00Z');
    for (const id of ['ended', 'still-open', 'recent']) writePayload(dir, id, Buffer.from('{}'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a payload');
    for (const name of ['ended.json', 'still-open.json', 'notes.txt']) fs.utimesSync(path.join(dir, name), old, old);
    const removed = prunePayloads(dir, Date.parse('2025-02-01T00:00:00Z'), (runId) => runId === 'still-open');
    expect(removed).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', 'recent.json', 'still-open.json']);
  });

  it('find nothing to prune when no webhook ever wrote one', () => {
    expect(prunePayloads(temp(), Date.now(), () => false)).toBe(0);
  });
});

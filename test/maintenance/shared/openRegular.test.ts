// What the tools open to read or append is a regular file, or nothing: a fifo, a socket, a folder
// or a symlink in its place is refused at once (never a blocking open), with the kind named.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../../src/maintenance/shared/hashFile.js';
import { appendNoFollow, readTextNoFollow } from '../../../src/maintenance/shared/noFollow.js';
import { openRegular } from '../../../src/maintenance/shared/openRegular.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-regular-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openRegular', () => {
  it('opens a regular file', () => {
    fs.writeFileSync(path.join(dir, 'a'), 'x');
    const fd = openRegular(path.join(dir, 'a'), 'read');
    fs.closeSync(fd);
  });

  it('refuses a fifo at once, for reading and for appending', () => {
    execFileSync('mkfifo', [path.join(dir, 'f')]);
    expect(() => openRegular(path.join(dir, 'f'), 'read')).toThrow('not a regular file (a fifo)');
    expect(() => appendNoFollow(Buffer.from(path.join(dir, 'f')), 'line\n')).toThrow(/ENXIO|not a regular file/);
  });

  it('refuses a folder and a socket, naming them', async () => {
    fs.mkdirSync(path.join(dir, 'd'));
    expect(() => openRegular(path.join(dir, 'd'), 'read')).toThrow('not a regular file (a directory)');
    const server = net.createServer().listen(path.join(dir, 's'));
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect(() => openRegular(path.join(dir, 's'), 'read')).toThrow(/ENXIO|not a regular file/);
    } finally {
      server.close();
    }
  });

  it('refuses a symlink, even to a regular file (ELOOP)', () => {
    fs.writeFileSync(path.join(dir, 'target'), 'x');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    expect(() => readTextNoFollow(path.join(dir, 'link'))).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });
});

describe('hashFile', () => {
  it('hashes a regular file and refuses a fifo instead of waiting for a writer', () => {
    fs.writeFileSync(path.join(dir, 'a'), 'abc');
    expect(hashFile(Buffer.from(path.join(dir, 'a')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    execFileSync('mkfifo', [path.join(dir, 'f')]);
    expect(() => hashFile(Buffer.from(path.join(dir, 'f')))).toThrow('not a regular file (a fifo)');
  });
});

// How the config file is read: strictly as UTF-8 (issue 9, item 17), and only when it is a
// regular file of a sane size (item 19), so validate never passes bytes the command would not run
// and never waits forever on a device or a pipe.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli, writeConfig } from '../helpers/cli.js';

const clean = (text: string) => expect(text).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);

describe('a config that is not UTF-8', () => {
  const latin1 = Buffer.concat([
    Buffer.from('{\n  "tasks": [\n    {"name": "greet", "command": "echo caf', 'utf8'),
    Buffer.from([0xe9]), // é in Latin-1: one byte that is not UTF-8
    Buffer.from(' > out.txt"}\n  ]\n}\n', 'utf8'),
  ]);

  it.each([['validate'], ['run', '--task', 'greet'], ['status'], ['graph'], ['next']])(
    '%s refuses it with the line and column of the bad byte, and nothing runs',
    (...args) => {
      const home = makeHome();
      writeConfig(home, '');
      fs.writeFileSync(path.join(home, 'config/conductor_config.json'), latin1);
      const result = runCli(args, { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('symphony-conductor: config/conductor_config.json:3:43: not valid UTF-8 (byte 0xE9); save the config as UTF-8\n');
      expect(fs.existsSync(path.join(home, 'out.txt'))).toBe(false);
    },
  );

  it('accepts the same config in UTF-8, with a byte-order mark, and runs the very bytes it holds', () => {
    const home = makeHome();
    writeConfig(home, '');
    const utf8 = Buffer.from('\ufeff{"tasks": [{"name": "greet", "command": "printf caf\u00e9 > out.txt"}]}', 'utf8');
    fs.writeFileSync(path.join(home, 'config/conductor_config.json'), utf8);
    expect(runCli(['validate'], { home }).code).toBe(0);
    expect(runCli(['run', '--task', 'greet'], { home }).code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'out.txt'))).toEqual(Buffer.from('café', 'utf8'));
  });
});

describe('a config path that is not a regular file of a sane size', () => {
  it.each([
    ['/dev/zero', /^symphony-conductor: \/dev\/zero: is a character device, not a regular file; the config must be a file\n$/],
    ['/dev/null', /\/dev\/null: is a character device, not a regular file/],
    ['/tmp', /\/tmp: is a directory, not a config file/],
  ])('refuses %s at once with exit 1', (file, expected) => {
    const result = runCli(['validate', '--config', file], { home: makeHome(), timeoutMs: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
  });

  it.each([['/proc', 'procfs'], ['/sys/kernel', 'sysfs']])('refuses a watch.path on a kernel file system (%s): making its folders there can hang the daemon', (dir, kind) => {
    const home = makeHome({ tasks: [{ name: 'w', command: 'true', watch: { path: dir } }] });
    const result = runCli(['validate'], { home, timeoutMs: 10_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`/tasks/0/watch/path: ${dir} is on ${kind}, the kernel's view of itself, not a folder files are dropped into`);
  });

  it('says a path through a file is not found, rather than quoting ENOTDIR', () => {
    const home = makeHome();
    fs.writeFileSync(path.join(home, 'plain'), '');
    const result = runCli(['validate', '--config', 'plain/conductor_config.json'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('symphony-conductor: plain/conductor_config.json: config file not found (a part of that path is a file, not a folder)\n');
  });

  it('refuses a named pipe without waiting for a writer', () => {
    const home = makeHome();
    const fifo = path.join(home, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = runCli(['validate', '--config', fifo], { home, timeoutMs: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\.fifo: is a named pipe \(FIFO\), not a regular file/);
  });

  it('refuses a file over 64 MiB before reading it', () => {
    const home = makeHome();
    const big = path.join(home, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: nothing is written
    const result = runCli(['validate', '--config', big], { home, timeoutMs: 10_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/big\.json: the file is 64\.0 MiB; a config may have at most 64 MiB/);
    clean(result.stderr);
  });
});

// health-check's temp file count (names, age, skipped folders, symlinks) and disk thresholds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeDisk } from '../../../src/maintenance/health/disk.js';
import { healthCheckLimitsFrom } from '../../../src/maintenance/health/healthCheckInputs.js';
import { isTempName, scanTempFiles } from '../../../src/maintenance/health/tempFiles.js';

describe('isTempName', () => {
  it.each(['a.tmp', 'A.TMP', 'x.temp', 'notes.txt~', '.main.c.swp', '.x.swo', '#draft.md#', '.#lock', 'db.bak', 'patch.orig', 'p.rej', '.DS_Store', 'Thumbs.db'])(
    'counts %j',
    (name) => {
      expect(isTempName(name)).toBe(true);
    },
  );

  it.each(['main.c', 'tmp', 'template.html', 'swp', 'main.swp.c', '#notes', 'backup', 'bak', 'temp.txt', 'DS_Store'])('leaves %j alone', (name) => {
    expect(isTempName(name)).toBe(false);
  });
});

describe('scanTempFiles on a tree', () => {
  const now = Date.now();
  const old = new Date(now - 3 * 86_400_000);
  let root: string;
  let outside: string;

  const file = (rel: string, mtime: Date = old) => {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, 'x');
    fs.utimesSync(full, mtime, mtime);
  };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-temp-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-outside-'));
    file('a.tmp');
    file('src/.main.c.swp');
    file('src/deep/er/notes~');
    file('fresh.tmp', new Date(now - 60_000));
    file('keep.txt');
    file('.git/objects/x.tmp');
    file('node_modules/pkg/y.tmp');
    file('.quarantine/b1/z.tmp');
    file('sub/node_modules/w.bak');
    const odd = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x6f, 0xff]), Buffer.from('.tmp')]); // "o\xff.tmp", not UTF-8
    fs.writeFileSync(odd, 'x');
    fs.utimesSync(odd, old, old);
    fs.writeFileSync(path.join(outside, 'far.tmp'), 'x');
    fs.utimesSync(path.join(outside, 'far.tmp'), old, old);
    fs.symlinkSync(outside, path.join(root, 'linkdir'));
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('counts old leftovers only, outside .git, node_modules and the quarantine, never through a symlink', () => {
    const scan = scanTempFiles({ root, minAgeMs: 86_400_000, now });
    expect(scan.count).toBe(4);
    expect(scan.unreadable).toBe(0);
    expect(scan.examples.sort()).toEqual(['a.tmp', 'o\ufffd.tmp', 'src/.main.c.swp', 'src/deep/er/notes~']);
  });

  it('counts fresh ones too with a shorter minimum age', () => {
    expect(scanTempFiles({ root, minAgeMs: 1_000, now }).count).toBe(5);
  });

  it('keeps at most the asked number of examples', () => {
    const scan = scanTempFiles({ root, minAgeMs: 1_000, now, exampleLimit: 2 });
    expect(scan.count).toBe(5);
    expect(scan.examples).toHaveLength(2);
  });
});

describe('judgeDisk', () => {
  const limits = { minFreePercent: 10, criticalFreePercent: 5 };
  it.each([
    [50, 'ok'],
    [10, 'ok'],
    [9.9, 'warning'],
    [5, 'warning'],
    [4.9, 'error'],
    [0, 'error'],
  ])('with %f%% free says %s', (percent, level) => {
    const total = 1000 * 1024 ** 3;
    expect(judgeDisk({ freeBytes: (total * percent) / 100, totalBytes: total }, limits).level).toBe(level);
  });

  it('says how much is free in the message', () => {
    const check = judgeDisk({ freeBytes: 3 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 }, limits);
    expect(check).toMatchObject({ level: 'error', free_percent: 3, message: '3% free (3.0 GiB of 100.0 GiB), under the critical 5%' });
  });

  it('treats a file system that reports no size as fine', () => {
    expect(judgeDisk({ freeBytes: 0, totalBytes: 0 }, limits).level).toBe('ok');
  });
});

describe('healthCheckLimitsFrom', () => {
  const good = { 'max-temp-files': 100, 'temp-age': '1d', 'min-free-percent': 10, 'critical-free-percent': 5 };

  it('reads the defaults', () => {
    expect(healthCheckLimitsFrom(good)).toEqual({ maxTempFiles: 100, tempMinAgeMs: 86_400_000, disk: { minFreePercent: 10, criticalFreePercent: 5 } });
  });

  it('reports every bad flag at once', () => {
    try {
      healthCheckLimitsFrom({ 'max-temp-files': -1, 'temp-age': 'soon', 'min-free-percent': 150, 'critical-free-percent': Number.NaN });
      expect.unreachable();
    } catch (error) {
      const where = (error as { problems: { where: string }[] }).problems.map((p) => p.where);
      expect(where).toEqual(['--max-temp-files', '--min-free-percent', '--critical-free-percent', '--temp-age']);
    }
  });

  it('refuses a critical threshold above the warning one', () => {
    expect(() => healthCheckLimitsFrom({ ...good, 'critical-free-percent': 20 })).toThrow(/health-check options/);
  });
});

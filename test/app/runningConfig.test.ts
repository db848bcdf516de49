// The config a running daemon keeps for `status` (status/daemon-config.json): anything but what the
// daemon wrote (empty, not JSON, the wrong shape, huge garbage) reads as none, so status falls back
// to the file on disk and its error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/app/paths.js';
import { readRunningConfig, runningConfigPath, writeRunningConfig } from '../../src/app/runningConfig.js';
import { withDefaults } from '../../src/core/config/defaults.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-running-config-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
function home() {
  const paths = homePaths(fs.mkdtempSync(path.join(root, `h${n++}-`)));
  fs.mkdirSync(paths.statusDir, { recursive: true });
  return paths;
}

describe('the running config kept for status', () => {
  it('reads back what the daemon wrote, the file private to its user', () => {
    const paths = home();
    const config = withDefaults({ tasks: [{ name: 'a', command: 'true', schedule: '0 2 * * *' }], settings: { timezone: 'UTC' } });
    expect(writeRunningConfig(paths, config, 'config/conductor_config.json')).toBeNull();
    expect(readRunningConfig(paths)).toEqual({ shown: 'config/conductor_config.json', config: JSON.parse(JSON.stringify(config)) });
    expect(fs.statSync(runningConfigPath(paths)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['not JSON', '{"shown": '],
    ['JSON null', 'null'],
    ['no config', '{"shown": "c.json"}'],
    ['tasks not a list', '{"shown": "c.json", "config": {"tasks": {}, "settings": {}}}'],
    ['shown not a string', '{"shown": 5, "config": {"tasks": [], "settings": {}}}'],
    ['huge garbage', 'x'.repeat(5_000_000)],
  ])('reads a file that is %s as none', (_what, text) => {
    const paths = home();
    if (text !== null) fs.writeFileSync(runningConfigPath(paths), text);
    expect(readRunningConfig(paths)).toBeNull();
  });

  it('says why it could not write, rather than throw (a full or broken disk must not stop the daemon)', () => {
    const paths = home();
    fs.rmSync(paths.statusDir, { recursive: true });
    fs.writeFileSync(paths.statusDir, 'a file where the folder should be');
    expect(writeRunningConfig(paths, withDefaults({ tasks: [] }), 'c.json')).toMatch(/ENOTDIR|EEXIST|not a directory/i);
  });
});

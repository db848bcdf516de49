import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/loadConfig.js';
import { refusedConfig } from '../../src/app/refusedConfig.js';

function refusalOf(text: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refused-')), 'c.json');
  fs.writeFileSync(file, text);
  try {
    loadConfig(file);
  } catch (error) {
    return refusedConfig(error);
  }
  throw new Error('the config was accepted');
}

describe('refusedConfig: a refused config as it is logged', () => {
  it('a file that is not JSON is one problem naming the file, line and column (not an empty list)', () => {
    const refused = refusalOf('{\n  "tasks": [,]\n}');
    expect(refused).toEqual({ summary: null, problems: [expect.stringMatching(/c\.json:2:13: invalid JSON: unexpected ','/)] });
  });

  it('an invalid config keeps its summary and lists every problem with its JSON pointer', () => {
    const refused = refusalOf('{"tasks": [{"name": "a", "command": "true", "schedule": "61 * * * *", "nope": 1}]}');
    expect(refused.summary).toMatch(/c\.json: invalid config, 2 problems:$/);
    expect(refused.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^\/tasks\/0\/schedule: /), expect.stringMatching(/^\/tasks\/0\/nope: /)]));
  });

  it('any other error is its message', () => {
    expect(refusedConfig(new Error('boom'))).toEqual({ summary: null, problems: ['boom'] });
  });
});

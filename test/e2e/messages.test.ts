// Every refusal is a clear message with exit 1 that names what is wrong and where: never an
// "internal error", never a stack trace, never a hang (issue 9, item 19).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../helpers/cli.js';

const clean = (text: string) => expect(text).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);

describe('validate, when an env key cannot be an environment variable name', () => {
  it.each([
    ['with "="', { 'A=B': 'c' }, /\/tasks\/0\/env\/A=B: "A=B" is not a valid environment variable name \(it cannot hold "="\)/],
    ['empty', { '': 'c' }, /\/tasks\/0\/env\/: an environment variable name must not be empty/],
    ['with a NUL byte', { 'A\u0000B': 'c' }, /\/tasks\/0\/env: "A\\u0000B" is not a valid environment variable name \(it cannot hold a NUL byte\)/],
  ])('refuses a name %s with its JSON pointer, and nothing runs', (_label, env, expected) => {
    const home = makeHome({ tasks: [{ name: 'a', command: 'echo ran > ran.txt', env }] });
    const result = runCli(['validate'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    clean(result.stderr);
    const run = runCli(['run', '--task', 'a'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(fs.existsSync(path.join(home, 'ran.txt'))).toBe(false);
  });
});

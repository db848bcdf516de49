// A process's environment as /proc shows it: the conductor's marks are found as whole entries only.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentHas } from '../../src/adapters/process/procfs.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function sleeper(env: Record<string, string>): number {
  const child = spawn('sleep', ['30'], { env, stdio: 'ignore' });
  children.push(child);
  return child.pid as number;
}

describe('environmentHas', () => {
  it.each([
    ['the first and the last entry', ['CONDUCTOR_ATTEMPT=2', 'Z_LAST=end'], true],
    ['both marks of an attempt', ['CONDUCTOR_RUN_ID=r1', 'CONDUCTOR_ATTEMPT=2'], true],
    ['a mark with another value', ['CONDUCTOR_RUN_ID=r2'], false],
    ['a mark that is only the start of an entry', ['CONDUCTOR_RUN_ID=r'], false],
    ['a mark that only appears inside another entry', ['CONDUCTOR_RUN_ID=r9'], false],
    ['one mark found and one not', ['CONDUCTOR_RUN_ID=r1', 'CONDUCTOR_ATTEMPT=3'], false],
  ])('%s: %s', (_, entries, expected) => {
    const pid = sleeper({ CONDUCTOR_ATTEMPT: '2', CONDUCTOR_RUN_ID: 'r1', NOTE: 'CONDUCTOR_RUN_ID=r9', PATH: process.env.PATH ?? '/usr/bin:/bin', Z_LAST: 'end' });
    expect(environmentHas(pid, entries)).toBe(expected);
  });

  it('is false for a process that does not exist', () => {
    expect(environmentHas(2 ** 22 + 1, ['CONDUCTOR_RUN_ID=r1'])).toBe(false);
  });
});

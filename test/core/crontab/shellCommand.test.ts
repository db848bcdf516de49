// The commands are run for real by /bin/sh, as the conductor runs them: what the job sees on
// its standard input and in $0 must be what cron would have given it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellCommand } from '../../../src/core/crontab/shellCommand.js';

function runSh(command: string): { stdout: string; code: number | null } {
  const result = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', input: 'the conductor gives no input' });
  return { stdout: result.stdout, code: result.status };
}

describe('shellCommand', () => {
  it('keeps a command with no input, run by /bin/sh, as written', () => {
    expect(shellCommand({ command: 'echo hi >/dev/null', stdin: null })).toBe('echo hi >/dev/null');
  });

  describe('when the job has an input', () => {
    it.each([
      ['plain text', 'hello'],
      ['several lines', 'one\ntwo\n'],
      ['single quotes', "it's 'quoted'"],
      ['shell syntax that must stay inert', '$(touch /tmp/never) `id` ${HOME} *; | & "'],
      ['printf formats', '%s %d %% \\n \\\\'],
      ['nothing', ''],
      ['a newline alone', '\n'],
      ['printf formats, ended by a newline as cron ends its input', '%s %d \\n\n'],
    ])('passes %s byte for byte', (_label, stdin) => {
      const { stdout, code } = runSh(shellCommand({ command: 'od -An -c', stdin }));
      expect(code).toBe(0);
      const expected = spawnSync('od', ['-An', '-c'], { encoding: 'utf8', input: stdin }).stdout;
      expect(stdout).toBe(expected);
    });

    it('gives the command its exit code', () => {
      expect(runSh(shellCommand({ command: 'cat >/dev/null; exit 7', stdin: 'x' })).code).toBe(7);
    });

    it('runs a compound command whole, with the input for all of it', () => {
      const { stdout } = runSh(shellCommand({ command: 'read a; echo "first=$a"; read b && echo "second=$b"', stdin: 'x\ny\n' }));
      expect(stdout).toBe('first=x\nsecond=y\n');
    });
  });

  describe("when cron's SHELL is not /bin/sh", () => {
    const bash = fs.existsSync('/bin/bash') ? '/bin/bash' : null;

    it.skipIf(bash === null)('runs the command with that shell', () => {
      const command = shellCommand({ command: 'echo "${BASH_VERSION:+bash}"', stdin: null }, bash as string);
      expect(command).toBe(`exec /bin/bash -c 'echo "\${BASH_VERSION:+bash}"'`);
      expect(runSh(command).stdout).toBe('bash\n');
    });

    it.skipIf(bash === null)('gives that shell the input', () => {
      expect(runSh(shellCommand({ command: 'cat; echo " ${BASH_VERSION:+bash}"', stdin: "in'put" }, bash as string)).stdout).toBe("in'put bash\n");
    });
  });
});

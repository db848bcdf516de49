// Every temporary file of a test run (homes, workers' output, Redis folders, browser profiles, the
// daemons' own) goes in one folder, removed when the run ends: tests leave nothing behind in the
// system's temporary folder, even those that stop a daemon with kill -9. The folder's name is
// short: the paths of Unix sockets made under it must fit in 108 bytes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    try {
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    } catch (error) {
      // Something still holds a part of it (a mount a test left, a process still writing): say so.
      process.stderr.write(`could not remove the tests' temporary folder ${root}: ${(error as Error).message}\n`);
    }
  };
}

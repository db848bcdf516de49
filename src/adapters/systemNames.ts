// What this system names, for import-crontab's question "is this word a user column?": the
// users of /etc/passwd, and whether /bin/sh finds a word as a command (on PATH, or a builtin).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { SystemNames } from '../core/crontab/userColumnInText.js';

/** The user names of `passwdFile`; none when it cannot be read (then no user column is guessed). */
export function readUserNames(passwdFile = '/etc/passwd'): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(passwdFile, 'utf8');
  } catch {
    return new Set();
  }
  const names = text.split('\n').map((line) => line.split(':')[0] ?? '').filter((name) => name !== '' && !name.startsWith('#'));
  return new Set(names);
}

/** Asks /bin/sh, as the job's shell would (`command -v`), once per word. */
export function shellFindsCommand(): (word: string) => boolean {
  const asked = new Map<string, boolean>();
  return (word) => {
    let found = asked.get(word);
    if (found === undefined) {
      found = spawnSync('/bin/sh', ['-c', 'command -v -- "$1" >/dev/null', 'sh', word], { timeout: 5000, stdio: 'ignore' }).status === 0;
      asked.set(word, found);
    }
    return found;
  };
}

export function systemNames(): SystemNames {
  return { users: readUserNames(), isCommand: shellFindsCommand() };
}

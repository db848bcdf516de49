// doctor: does each task's command find its program? The first word of the command, after any
// VAR=value assignments, asked of /bin/sh itself (`command -v`) in the task's working directory
// and environment, so builtins, PATH and relative paths count as the task's own shell would.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Config, Task } from '../../core/types.js';
import { finding, type Finding } from './finding.js';

export function firstWord(command: string): string | null {
  const words = command.trim().split(/\s+/);
  for (const word of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    // Quoting, expansions and compound commands are the shell's: not checked.
    if (/^[('"$`{!]/.test(word) || word === '') return null;
    return word;
  }
  return null;
}

export function checkCommands(config: Config, home: string): Finding[] {
  const findings: Finding[] = [];
  const asked = new Map<string, boolean>();
  for (const task of config.tasks) {
    const word = firstWord(task.command);
    if (word === null) continue;
    const cwd = task.cwd ? path.resolve(home, task.cwd) : home;
    const env = { ...process.env, ...task.env };
    const key = `${word}\0${cwd}\0${env.PATH ?? ''}`;
    let found = asked.get(key);
    if (found === undefined) {
      found = spawnSync('/bin/sh', ['-c', 'command -v -- "$1" >/dev/null', 'sh', word], { cwd, env, timeout: 5000, stdio: 'ignore' }).status === 0;
      asked.set(key, found);
    }
    if (!found) findings.push(missing(task, word, cwd));
  }
  const checked = config.tasks.filter((t) => firstWord(t.command) !== null).length;
  if (findings.length === 0) findings.push(finding('commands', 'ok', `the programs of ${checked} task command${checked === 1 ? '' : 's'} are found`));
  return findings;
}

function missing(task: Task, word: string, cwd: string): Finding {
  const fix = word.includes('/') ? `check the path (relative to ${cwd}) and that it is executable (chmod +x)` : 'install it, or give its full path, or set PATH in the task\'s env';
  return finding('commands', 'fail', `task ${task.name}: "${word}" is not found${word.includes('/') ? '' : ' on PATH'}${task.enabled ? '' : ' (the task is disabled)'}`, fix);
}

// doctor: does each task's command find its program? The first word of the command, after any
// VAR=value assignments, asked of /bin/sh itself (`command -v`) in the task's working directory
// and environment, so builtins and PATH count as the task's own shell would. A word with a slash
// is a path, which `command -v` passes whenever it exists: that one is looked at on disk instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config, Task } from '../../core/types.js';
import { shownPath } from '../loadConfig.js';
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
    // Without its folder no run starts at all, whatever the command: that is the finding.
    const folder = folderProblem(task, cwd);
    if (folder) {
      findings.push(folder);
      continue;
    }
    const env = { ...process.env, ...task.env };
    if (word.includes('/')) {
      const problem = checkProgramPath(task, word, cwd, env.HOME);
      if (problem) findings.push(problem);
      continue;
    }
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

/** The task's working directory, when it is not a folder this user may enter. */
function folderProblem(task: Task, cwd: string): Finding | null {
  const disabled = task.enabled ? '' : ' (the task is disabled)';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cwd);
  } catch (error) {
    const gone = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return finding('commands', 'fail', `task ${task.name}: its working directory ${shownPath(cwd)} ${gone ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code})`}${disabled}`, gone ? 'create it, or correct the task\'s cwd' : 'correct the task\'s cwd or its permissions');
  }
  if (!stat.isDirectory()) return finding('commands', 'fail', `task ${task.name}: its working directory ${shownPath(cwd)} is not a folder${disabled}`, 'correct the task\'s cwd');
  try {
    fs.accessSync(cwd, fs.constants.X_OK);
  } catch {
    return finding('commands', 'fail', `task ${task.name}: its working directory ${shownPath(cwd)} cannot be entered by this user${disabled}`, 'correct the task\'s cwd or its permissions');
  }
  return null;
}

function missing(task: Task, word: string, cwd: string): Finding {
  const fix = word.includes('/') ? `check the path (relative to ${cwd})` : 'install it, or give its full path, or set PATH in the task\'s env';
  return finding('commands', 'fail', `task ${task.name}: "${word}" is not found${word.includes('/') ? '' : ' on PATH'}${task.enabled ? '' : ' (the task is disabled)'}`, fix);
}

/**
 * A program named by its path, as the task's shell would run it (a leading `~/` is the HOME the
 * task gets, a relative path is from its cwd): it must be a file this user may execute, or the
 * run fails with 126 ("Permission denied") or 127 ("not found").
 */
function checkProgramPath(task: Task, word: string, cwd: string, homeDir: string | undefined): Finding | null {
  const file = word.startsWith('~/') && homeDir ? path.join(homeDir, word.slice(2)) : path.resolve(cwd, word);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return missing(task, word, cwd);
  }
  const shown = shownPath(file);
  const disabled = task.enabled ? '' : ' (the task is disabled)';
  if (stat.isDirectory()) {
    return finding('commands', 'fail', `task ${task.name}: "${word}" is a folder, not a program${disabled}`, `name the program in it (relative to ${cwd})`);
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    const mode = (stat.mode & 0o777).toString(8);
    return finding('commands', 'fail', `task ${task.name}: "${word}" is not executable (${shown}, mode ${mode})${disabled}`, `chmod +x ${shown}`);
  }
  return null;
}

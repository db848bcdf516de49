// doctor: the systemd unit (installed, and starting this conductor on this home) and the
// system clock's synchronisation (timedatectl).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HomePaths } from '../paths.js';
import { finding, type Finding } from './finding.js';

const UNIT = 'symphony-conductor.service';

const UNIT_DIRS = ['/etc/systemd/system', path.join(os.homedir(), '.config/systemd/user')];

/**
 * This checkout's dist/cli/main.js: beside this code when it runs from the CLI bundle (a chunk
 * in dist/cli/, scripts/build/cli.mjs), two folders up when it runs as tsc's dist/app/doctor/.
 */
function cliEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(here) === 'cli' ? path.join(here, 'main.js') : fileURLToPath(new URL('../../cli/main.js', import.meta.url));
}

/** `main`: the CLI entry this unit should start (this checkout's dist/cli/main.js). */
export function checkUnit(paths: HomePaths, unitDirs = UNIT_DIRS, main = cliEntry()): Finding {
  const file = unitDirs.map((dir) => path.join(dir, UNIT)).find((candidate) => fs.existsSync(candidate));
  if (!file) return finding('unit', 'skip', `${UNIT} is not installed (fine for a foreground daemon)`, 'to run it as a service: scripts/setup_symphony_conductor.sh');
  const text = fs.readFileSync(file, 'utf8');
  const value = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
  const execStart = value('ExecStart')[0] ?? '';
  const home = value('Environment').map((e) => /CONDUCTOR_HOME=(\S+)/.exec(e)?.[1]).find(Boolean) ?? value('WorkingDirectory')[0];
  const problems: string[] = [];
  if (!execStart.includes(`${main} start`)) problems.push(`its ExecStart (${execStart || 'none'}) does not run ${main} start`);
  if (home && path.resolve(home) !== paths.home) problems.push(`it runs on the home ${home}, not ${paths.home}`);
  if (problems.length > 0) return finding('unit', 'fail', `${file}: ${problems.join('; ')}`, 'reinstall it for this checkout: scripts/setup_symphony_conductor.sh');
  return finding('unit', 'ok', `${file} starts this conductor on this home`);
}

export function checkClock(): Finding {
  let out: string;
  try {
    out = execFileSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return finding('clock', 'skip', 'timedatectl is not available here (no systemd-timedated): the clock\'s synchronisation cannot be checked');
  }
  if (out === 'yes') return finding('clock', 'ok', 'the system clock is synchronised (NTP)');
  return finding('clock', 'fail', 'the system clock is not synchronised: fires follow the wall clock, and it may be wrong or step', 'timedatectl set-ntp true (and check systemd-timesyncd or chrony)');
}

// Finds the repository git-maintenance may work on: the root must hold `.git`, git must agree
// it is a repository, and its (common) git directory must lie inside the root, since the tool
// never writes outside it (a worktree's or submodule's objects live elsewhere).
import fs from 'node:fs';
import path from 'node:path';
import { runGit, succeeded } from './runGit.js';

export type RepoLookup = { ok: true; gitDir: string } | { ok: false; reason: string };

export async function findRepository(root: string, timeoutMs: number): Promise<RepoLookup> {
  if (!exists(path.join(root, '.git'))) return { ok: false, reason: `not a git repository (${root} has no .git)` };
  const probe = await runGit(root, ['rev-parse', '--git-common-dir'], timeoutMs);
  if (!succeeded(probe)) {
    const why = probe.error ?? firstLine(probe.stderr) ?? (probe.timed_out ? 'git rev-parse timed out' : `git rev-parse exited with ${probe.exit_code}`);
    return { ok: false, reason: `not a git repository (${why})` };
  }
  const spelled = path.resolve(root, probe.stdout.trim());
  let gitDir: string;
  try {
    gitDir = fs.realpathSync(spelled);
  } catch {
    return { ok: false, reason: `not a git repository (cannot read its git directory ${spelled})` };
  }
  if (!gitDir.startsWith(`${root}/`)) {
    return { ok: false, reason: `its git directory ${gitDir} is outside the root (a worktree or submodule): run git-maintenance on the main repository` };
  }
  return { ok: true, gitDir };
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The first non-empty line, without git's "fatal: " prefix. */
export function firstLine(text: string): string | null {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().replace(/^fatal:\s*/, '') : null;
}

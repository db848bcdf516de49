// `git-maintenance`: `git gc --prune=now` (with `--aggressive` only when asked) and `git prune`
// on the root's own repository, with the object store's size before and after. Skipped, with
// the reason, when the root is not a repository or another git process holds a lock.
import os from 'node:os';
import { findRepository } from './findRepository.js';
import { judgeGitLocks, pidIsAlive, readLockFiles } from './gitLocks.js';
import { runGit, succeeded, type GitResult } from './runGit.js';
import { parseCountObjects, type GitSize } from './countObjects.js';

export interface GitStep {
  command: string;
  ok: boolean;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  duration_ms: number;
  /** The tail of what git printed (stderr, then stdout). */
  output: string;
}

export interface GitMaintenanceResult {
  root: string;
  status: 'done' | 'skipped' | 'failed';
  /** Why it was skipped or failed; null when done. */
  reason: string | null;
  aggressive: boolean;
  git_dir: string | null;
  /** Lock files left by a git process that is gone (left in place). */
  stale_locks: string[];
  steps: GitStep[];
  size_before: GitSize | null;
  size_after: GitSize | null;
  /** size_before.total_bytes - size_after.total_bytes, when both are known. */
  freed_bytes: number | null;
  /** The signal that stopped us while git ran (the command then exits 3). */
  interrupted_by: string | null;
}

export interface GitMaintenanceInput {
  /** Real path of the root. */
  root: string;
  aggressive: boolean;
  /** For every git command together. */
  timeoutMs: number;
  now: number;
}

const OUTPUT_CHARS = 2_000;

export async function runGitMaintenance(input: GitMaintenanceInput): Promise<GitMaintenanceResult> {
  const result: GitMaintenanceResult = {
    root: input.root,
    status: 'skipped',
    reason: null,
    aggressive: input.aggressive,
    git_dir: null,
    stale_locks: [],
    steps: [],
    size_before: null,
    size_after: null,
    freed_bytes: null,
    interrupted_by: null,
  };
  let spentMs = 0;
  const git = async (args: string[]): Promise<GitResult> => {
    const run = await runGit(input.root, args, input.timeoutMs - spentMs);
    spentMs += run.duration_ms;
    result.interrupted_by ??= run.interrupted_by;
    return run;
  };

  const repo = await findRepository(input.root, input.timeoutMs);
  if (!repo.ok) return { ...result, reason: repo.reason };
  result.git_dir = repo.gitDir;

  const locks = judgeGitLocks(readLockFiles(repo.gitDir), { now: input.now, hostname: os.hostname(), isAlive: pidIsAlive });
  result.stale_locks = locks.stale;
  if (locks.held !== null) return { ...result, reason: `another git process holds the lock (${locks.held})` };

  result.size_before = await measure(git);
  for (const args of [['gc', '--prune=now', ...(input.aggressive ? ['--aggressive'] : [])], ['prune']]) {
    const run = await git(args);
    result.steps.push(toStep(run));
    if (!succeeded(run)) {
      result.status = 'failed';
      result.reason = failure(run, input.timeoutMs);
      return result;
    }
  }
  result.size_after = await measure(git);
  result.status = 'done';
  if (result.size_before && result.size_after) result.freed_bytes = result.size_before.total_bytes - result.size_after.total_bytes;
  return result;
}

async function measure(git: (args: string[]) => Promise<GitResult>): Promise<GitSize | null> {
  const run = await git(['count-objects', '-v']);
  return succeeded(run) ? parseCountObjects(run.stdout) : null;
}

function toStep(run: GitResult): GitStep {
  const output = `${run.stderr}${run.stdout}`.trim();
  return {
    command: run.command,
    ok: succeeded(run),
    exit_code: run.exit_code,
    signal: run.signal,
    timed_out: run.timed_out,
    duration_ms: run.duration_ms,
    output: output.length > OUTPUT_CHARS ? `...${output.slice(output.length - OUTPUT_CHARS)}` : output,
  };
}

function failure(run: GitResult, timeoutMs: number): string {
  if (run.error !== null) return `${run.command} could not start: ${run.error}`;
  if (run.interrupted_by !== null) return `${run.command} was stopped: we received ${run.interrupted_by}`;
  if (run.timed_out) return `${run.command} timed out (--timeout ${Math.round(timeoutMs / 1000)}s for all git commands)`;
  const last = run.stderr.trim().split('\n').pop()?.trim();
  const how = run.signal ? `was killed by ${run.signal}` : `failed with exit code ${run.exit_code}`;
  return `${run.command} ${how}${last ? `: ${last}` : ''}`;
}

// Runs one git command for git-maintenance: an argument array (no shell), in its own process
// group so a timeout stops git and the repack/pack-objects it started, and with our own
// SIGTERM/SIGINT/SIGHUP passed on to that group, so no git process outlives the task that
// started it. Output is kept to its tail: gc can be chatty on big repositories.
import { spawn } from 'node:child_process';
import { onStopSignals } from '../../app/signals.js';

export interface GitResult {
  /** As shown to people: `git gc --prune=now`. */
  command: string;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  /** The signal we received while git ran, if any (the run is then interrupted). */
  interrupted_by: string | null;
  duration_ms: number;
  stdout: string;
  stderr: string;
  /** Why git could not be started (e.g. not installed). */
  error: string | null;
}

const KEEP_BYTES = 64 * 1024;
const KILL_GRACE_MS = 5_000;
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** The environment git runs with: ours, minus whatever could point it at another repository. */
export function gitEnv(root: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_CEILING_DIRECTORIES: parentOf(root) };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE']) {
    delete env[name];
  }
  return env;
}

/** `git -C root ...args`, stopped (group SIGTERM, then SIGKILL) after `timeoutMs`. */
export function runGit(root: string, args: string[], timeoutMs: number): Promise<GitResult> {
  const started = Date.now();
  const result: GitResult = {
    command: `git ${args.join(' ')}`,
    exit_code: null,
    signal: null,
    timed_out: false,
    interrupted_by: null,
    duration_ms: 0,
    stdout: '',
    stderr: '',
    error: null,
  };
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', root, ...args], { env: gitEnv(root), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      result.timed_out = true;
      stop();
    }, Math.max(1, timeoutMs));
    const onSignal = (signal: NodeJS.Signals): void => {
      result.interrupted_by ??= signal;
      stop();
    };
    const stopListening = onStopSignals(onSignal, FORWARDED);
    child.stdout.on('data', (chunk: Buffer) => (result.stdout = tail(result.stdout + chunk.toString('utf8'))));
    child.stderr.on('data', (chunk: Buffer) => (result.stderr = tail(result.stderr + chunk.toString('utf8'))));
    const finish = (): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      stopListening();
      result.duration_ms = Date.now() - started;
      resolve(result);
    };
    child.on('error', (error) => {
      result.error = error.message;
      finish();
    });
    child.on('close', (code, signal) => {
      result.exit_code = code;
      result.signal = signal;
      // git is gone; make sure nothing it started lingers in its group either.
      if (result.timed_out || result.interrupted_by) signalGroup(child.pid, 'SIGKILL');
      finish();
    });
  });
}

/** True when git ran and exited 0. */
export function succeeded(result: GitResult): boolean {
  return result.error === null && !result.timed_out && result.interrupted_by === null && result.exit_code === 0;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function tail(text: string): string {
  return text.length > KEEP_BYTES ? text.slice(text.length - KEEP_BYTES) : text;
}

function parentOf(dir: string): string {
  const slash = dir.replace(/\/+$/, '').lastIndexOf('/');
  return slash <= 0 ? '/' : dir.slice(0, slash);
}

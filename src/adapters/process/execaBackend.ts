// Runs a task's command as `/bin/sh -c COMMAND` in a new process group (execa), with stdout
// and stderr written straight to the task's log file descriptor: no buffering, flat memory.
import { execa, type Options } from 'execa';
import { hasEscapedBytes } from '../../core/bytes/surrogateEscape.js';
import type { ProcessExit, ProcessSpec, RunningProcess, SpawnBackend } from './spawnBackend.js';
import { groupHasLiveMember, processStartTicks } from './procfs.js';

export function createExecaBackend(): SpawnBackend {
  return { start };
}

function start(spec: ProcessSpec): RunningProcess {
  // Node passes environment values as UTF-8 text: bytes that are not UTF-8 (a watched file's
  // name, surrogateescaped) would arrive changed, so the command would get another path.
  const binary = Object.keys(spec.env).filter((key) => hasEscapedBytes(spec.env[key] as string));
  if (binary.length > 0) {
    return notStarted(
      `cannot start the command: ${binary.join(', ')} holds bytes that are not UTF-8 (a file name), which Node cannot pass in the environment; the spawn helper can (build it: a C compiler and npm run build)`,
    );
  }
  // The log fd goes to both streams; execa's types only list small literal fds, hence the annotation.
  const options: Options = {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true, // on top of process.env, as the spawn helper does
    detached: true,
    stdin: 'ignore',
    stdout: spec.outputFd,
    stderr: spec.outputFd,
    buffer: false,
    reject: false,
    cleanup: false,
    stripFinalNewline: false,
  } as Options;
  const child = execa('/bin/sh', ['-c', spec.command], options);
  const pid = child.pid ?? -1;
  const exited: Promise<ProcessExit> = child.then(
    (result) => ({
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
      signal: result.signal ?? null,
      startError: pid < 0 || (result.failed && result.exitCode === undefined && !result.signal) ? startErrorOf(result) : null,
    }),
    (error: unknown) => ({ exitCode: null, signal: null, startError: error instanceof Error ? error.message : String(error) }),
  );
  return {
    pid,
    startTicks: pid > 0 ? processStartTicks(pid) : null,
    exited,
    signalGroup(signal: NodeJS.Signals): boolean {
      if (pid <= 0) return false;
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    groupAlive(): boolean {
      return pid > 0 && groupHasLiveMember(pid);
    },
  };
}

function notStarted(startError: string): RunningProcess {
  return {
    pid: -1,
    startTicks: null,
    exited: Promise.resolve({ exitCode: null, signal: null, startError }),
    signalGroup: () => false,
    groupAlive: () => false,
  };
}

function startErrorOf(result: { code?: string; cause?: unknown; shortMessage?: string }): string {
  const cause = result.cause as NodeJS.ErrnoException | undefined;
  if (cause?.code === 'ENOENT' && cause.syscall?.startsWith('spawn')) {
    return `cannot start the command: working directory or /bin/sh not found (${cause.message})`;
  }
  return `cannot start the command: ${cause?.message ?? result.shortMessage ?? 'unknown error'}`;
}

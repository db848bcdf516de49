// What an attempt's end means: its status, the exit code the contract records, and why.
import type { FinalStatus } from '../types.js';

/** Linux signal numbers, for the 128+N exit code of a process killed by a signal. */
const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

export const TIMEOUT_EXIT_CODE = 124;

export interface AttemptEnd {
  exitCode: number | null;
  signal: string | null;
  startError: string | null;
  timedOut: boolean;
  timeoutSeconds: number;
  /** Set when the conductor stopped the attempt (signal to the conductor, replace policy). */
  interruptedBy: string | null;
  /** Set when an operator cancelled the run. */
  cancelledBy?: string | null;
  /** Set when the executor lost the attempt (its worker died): it ends interrupted with this reason. */
  lost?: string | null;
}

export interface AttemptOutcome {
  status: Exclude<FinalStatus, 'skipped'>;
  exitCode: number | null;
  reason: string | null;
  /** The executor lost the attempt (its worker died or went away): interrupted, yet retried like a failure. */
  lost?: boolean;
}

export function attemptOutcome(end: AttemptEnd): AttemptOutcome {
  const code = end.signal ? 128 + (SIGNALS[end.signal] ?? 0) : end.exitCode;
  if (end.cancelledBy) return { status: 'cancelled', exitCode: code, reason: end.cancelledBy };
  if (end.interruptedBy) return { status: 'interrupted', exitCode: code, reason: end.interruptedBy };
  if (end.lost) return { status: 'interrupted', exitCode: code, reason: end.lost, lost: true };
  if (end.startError) return { status: 'failed', exitCode: 127, reason: end.startError };
  if (end.timedOut) {
    return {
      status: 'timeout',
      exitCode: TIMEOUT_EXIT_CODE,
      reason: `timed out after ${formatSeconds(end.timeoutSeconds)}${end.signal ? `; stopped by ${end.signal}` : ''}`,
    };
  }
  if (end.signal) return { status: 'failed', exitCode: code, reason: `killed by ${end.signal}` };
  if (code === 0) return { status: 'success', exitCode: 0, reason: null };
  return { status: 'failed', exitCode: code, reason: exitReason(code) };
}

function exitReason(code: number | null): string {
  if (code === 127) return 'exit code 127: command not found';
  if (code === 126) return 'exit code 126: command not executable (permission denied)';
  return `exit code ${code ?? 'unknown'}`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${+seconds.toFixed(3)}s`;
  if (seconds < 3600) return `${+(seconds / 60).toFixed(1)}m`;
  return `${+(seconds / 3600).toFixed(1)}h`;
}

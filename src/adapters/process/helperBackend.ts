// Runs a task's command as `/bin/sh -c COMMAND` in a new process group through the spawn helper
// (native/spawn_helper.c, built to dist/native/spawn-helper): one long-lived C process that starts
// processes with posix_spawn, ~4x cheaper than Node's spawn, and reports their exits over a pipe.
// Same behaviour as the execa executor otherwise: signals and liveness checks go from Node to the
// group directly. The pid arrives asynchronously: it is -1 until `ready` resolves. Beyond execa:
// when the conductor dies (even by SIGKILL) the helper stops the groups it started, and as a
// subreaper it takes in processes that escaped their group, which `strays()` lists. Its writer
// thread also replaces files atomically for the conductor (`files`: the health files).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encodeSurrogateEscape } from '../../core/bytes/surrogateEscape.js';
import { WRITER_GONE, type AtomicFileWriter } from '../atomicWrite.js';
import type { ProcessExit, ProcessSpec, RunningProcess, SpawnBackend } from './spawnBackend.js';
import { childrenOf, groupHasLiveMember } from './procfs.js';

/** The longest kill grace sent to the helper (a year; the config allows no more). */
const MAX_GRACE_MS = 365 * 24 * 60 * 60 * 1000;

/** A spawn back end over the helper binary, or null when there is no executable file at `binaryPath`. */
export function createHelperBackend(binaryPath: string): SpawnBackend | null {
  try {
    fs.accessSync(binaryPath, fs.constants.X_OK);
    if (!fs.statSync(binaryPath).isFile()) return null;
  } catch {
    return null;
  }
  let helper: Helper | null = null;
  const running = (): Helper => {
    // A helper that died is replaced; the old one still settles its own requests when it closes.
    if (!helper?.usable()) helper = new Helper(binaryPath);
    return helper;
  };
  const files: AtomicFileWriter = {
    writeAtomic: (target, temp, content, done) => running().writeAtomic(target, temp, content, done),
  };
  return {
    files,
    start(spec: ProcessSpec): RunningProcess {
      const run = new HelperRun();
      const problem = invalidSpec(spec);
      if (problem) {
        run.fail(`cannot start the command: ${problem}`);
        return run;
      }
      running().start(run, spec);
      return run;
    },
    whenStartsCatchUp: () => helper?.whenStartsCatchUp() ?? null,
    stopsWithConductor: true,
  };
}

/** `whenStartsCatchUp` waits while this many starts or more are still to be made. */
const STARTS_BACKLOG = 2;

class HelperRun implements RunningProcess {
  pid = -1;
  startTicks: number | null = null;
  /** The helper that started it (strays of the run become its children). */
  helper: Helper | null = null;
  reaped: { groupEmpty: boolean; strays: number[] | null } | null = null;
  readonly ready: Promise<void>;
  readonly exited: Promise<ProcessExit>;
  settleReady!: () => void;
  settleExit!: (exit: ProcessExit) => void;

  constructor() {
    this.ready = new Promise((resolve) => {
      this.settleReady = resolve;
    });
    this.exited = new Promise((resolve) => {
      this.settleExit = resolve;
    });
  }

  fail(startError: string): void {
    this.settleExit({ exitCode: null, signal: null, startError });
    this.settleReady();
  }

  signalGroup(signal: NodeJS.Signals): boolean {
    if (this.pid <= 0) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  groupAlive(): boolean {
    // Empty when the helper reaped the leader: it stays so (its id may even lead another group by now).
    if (this.reaped?.groupEmpty) return false;
    return this.pid > 0 && groupHasLiveMember(this.pid);
  }

  strays(): number[] {
    return this.helper?.adopted() ?? [];
  }
}

interface Request {
  run: HelperRun;
  cwd: string;
  outputPath: string;
}

interface Write {
  target: string;
  temp: string;
  done: (error: NodeJS.ErrnoException | null) => void;
}

/** One helper process, its requests in flight, and its reply stream. */
class Helper {
  private readonly child: ChildProcess | null = null;
  private readonly requests = new Map<string, Request>();
  /** Writes asked of its writer thread, not yet done: who is told, and what to say in an error. */
  private readonly writes = new Map<string, Write>();
  /** Write requests of this turn, sent together a microtask later. */
  private writesToSend = '';
  /** The pids of the shells it started that have not exited. */
  private readonly shells = new Set<number>();
  private nextId = 1;
  /** Requests written whose process has not started yet (no `started` or `error` reply). */
  private unstarted = 0;
  private caughtUp: (() => void)[] = [];
  private text = '';
  private dead = false;
  private exitDescription = 'its pipe closed';

  constructor(private readonly binaryPath: string) {
    try {
      // Its own session, like execa's detached children: no terminal signals reach it or its runs.
      this.child = spawn(binaryPath, [String(process.pid)], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    } catch (error) {
      this.die(`cannot run ${binaryPath}: ${(error as Error).message}`);
      return;
    }
    const child = this.child;
    // A spawn failure (no pid) is followed by 'close'; write errors (EPIPE) surface as 'close' too.
    child.on('error', (error) => {
      if (child.pid === undefined) this.die(`cannot run ${binaryPath}: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      this.exitDescription = signal ? `killed by ${signal}` : `exit code ${code}`;
    });
    child.on('close', () => this.die(this.exitDescription));
    child.stdin?.on('error', () => {});
    child.stdout?.setEncoding('latin1');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    this.setRef(false);
  }

  usable(): boolean {
    const child = this.child;
    return !this.dead && !!child && child.exitCode === null && child.signalCode === null && !!child.stdin?.writable;
  }

  /**
   * The helper's children that it did not start itself: processes that escaped a run's group and
   * were taken in. The shells of the runs going on are skipped here, so that the end of each of a
   * hundred overlapping runs does not read the /proc files of the ninety-nine others.
   */
  adopted(): number[] {
    const pid = this.child?.pid;
    if (pid === undefined) return [];
    return childrenOf(pid).filter((child) => !this.shells.has(child));
  }

  start(run: HelperRun, spec: ProcessSpec): void {
    const id = String(this.nextId++);
    const cwd = path.resolve(spec.cwd);
    const outputPath = path.resolve(spec.outputPath ?? '');
    if (this.dead || !this.child?.stdin) {
      run.fail(`cannot start the command: the spawn helper ${this.binaryPath} is not running`);
      return;
    }
    let env = '';
    let count = 0;
    for (const key in spec.env) {
      env += `${key}=${spec.env[key]}\0`;
      count++;
    }
    // Whole milliseconds the helper reads with strtol: a value it cannot read would end it, and every run it holds.
    const grace = String(Math.min(MAX_GRACE_MS, Math.max(0, Math.round(spec.killGraceMs ?? 10_000))) || 0);
    const message = `start\0${id}\0${spec.command}\0${cwd}\0${outputPath}\0${grace}\0${count}\0${env}`;
    // Seven fields and one per variable, each ended by a NUL: any other NUL was inside a value.
    if (countNul(message) !== 7 + count) {
      run.fail(`cannot start the command: ${NUL_PROBLEM}`);
      return;
    }
    run.helper = this;
    this.requests.set(id, { run, cwd, outputPath });
    this.unstarted++;
    if (this.requests.size + this.writes.size === 1) this.setRef(true);
    // Each request is written at once, not gathered per turn of the event loop: the helper
    // starts the first process while the next runs are prepared (100 fires on one second, p99
    // start 275 -> 245 ms against gathering them into one write).
    const stdin = this.child.stdin;
    // surrogateescape: a value that stands for bytes that are not UTF-8 (a watched file's name) goes as those bytes.
    stdin.write(encodeSurrogateEscape(message));
  }

  /** Asks the writer thread to replace `target` with `content` through `temp` (AtomicFileWriter). */
  writeAtomic(target: string, temp: string, content: string, done: (error: NodeJS.ErrnoException | null) => void): boolean {
    const message = `write\0${this.nextId}\0${target}\0${temp}\0${content}\0`;
    // Five fields, each ended by a NUL: any other NUL was inside one, which the helper cannot take.
    if (countNul(message) !== 5 || target === '' || temp === '') return false;
    const id = String(this.nextId++);
    if (this.dead || !this.child?.stdin) {
      queueMicrotask(() => done(writerGone('the spawn helper is not running')));
      return true;
    }
    this.writes.set(id, { target, temp, done });
    if (this.requests.size + this.writes.size === 1) this.setRef(true);
    // Sent a microtask later, the writes of this turn together: a run's end writes its health
    // file right after the commit that also started what the end set off, whose start request
    // goes out in a microtask queued before this one, so that it reaches the helper first.
    if (this.writesToSend === '') queueMicrotask(() => this.sendWrites());
    this.writesToSend += message;
    return true;
  }

  private sendWrites(): void {
    const messages = this.writesToSend;
    this.writesToSend = '';
    // A helper that died meanwhile told these writes so (die).
    if (!this.dead) this.child?.stdin?.write(encodeSurrogateEscape(messages));
  }

  private onData(chunk: string): void {
    this.text += chunk;
    let newline: number;
    while ((newline = this.text.indexOf('\n')) >= 0) {
      const line = this.text.slice(0, newline);
      this.text = this.text.slice(newline + 1);
      this.onReply(line.split(' '));
    }
  }

  private onReply(words: string[]): void {
    const [kind, id = ''] = words;
    if (kind === 'wrote') return this.onWrote(id, words);
    const request = this.requests.get(id);
    if (!request) return;
    const { run } = request;
    if (kind === 'started') {
      run.pid = Number(words[2]);
      this.shells.add(run.pid);
      run.startTicks = words[3] === undefined || words[3] === '-' ? null : Number(words[3]);
      run.settleReady();
      this.startMade();
      return;
    }
    if (kind === 'error') {
      const [stage = '', ...message] = words.slice(2);
      this.finish(id);
      this.startMade();
      run.fail(`cannot start the command: ${startProblem(stage, message.join(' '), request)}`);
      return;
    }
    if (kind === 'exit') {
      const code = Number(words[3]);
      const signo = Number(words[4]);
      const groupEmpty = words[5] === '1';
      const strays = words[6];
      run.reaped = { groupEmpty, strays: !groupEmpty || strays === undefined || strays === '?' ? null : strays === '-' ? [] : strays.split(',').map(Number) };
      this.finish(id);
      run.settleExit(
        signo > 0 ? { exitCode: null, signal: signalName(signo), startError: null } : { exitCode: code, signal: null, startError: null },
      );
    }
  }

  /** `wrote ID 0`, or `wrote ID ERRNO STEP MESSAGE`: a write is done, or failed at STEP. */
  private onWrote(id: string, words: string[]): void {
    const write = this.writes.get(id);
    if (!write) return;
    this.writes.delete(id);
    if (this.requests.size + this.writes.size === 0) this.setRef(false);
    const errno = Number(words[2]);
    write.done(errno === 0 ? null : writeError(errno, words[3] ?? '', words.slice(4).join(' '), write));
  }

  /** While STARTS_BACKLOG or more starts are still to be made, a promise of the moment fewer are. */
  whenStartsCatchUp(): Promise<void> | null {
    if (this.unstarted < STARTS_BACKLOG) return null;
    return new Promise((resolve) => this.caughtUp.push(resolve));
  }

  private startMade(): void {
    this.unstarted--;
    if (this.unstarted < STARTS_BACKLOG) this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.caughtUp;
    this.caughtUp = [];
    for (const resolve of waiters) resolve();
  }

  private finish(id: string): void {
    const pid = this.requests.get(id)?.run.pid ?? -1;
    if (pid > 0) this.shells.delete(pid);
    this.requests.delete(id);
    if (this.requests.size + this.writes.size === 0) this.setRef(false);
  }

  /** The helper is gone: what was in flight can no longer start, or its exit status is lost. */
  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const requests = [...this.requests.values()];
    this.requests.clear();
    const writes = [...this.writes.values()];
    this.writes.clear();
    this.unstarted = 0;
    this.releaseWaiters();
    this.child?.stdin?.destroy();
    this.child?.stdout?.destroy();
    this.setRef(false);
    for (const { run } of requests) {
      run.fail(
        run.pid > 0
          ? `the spawn helper died (${reason}) while the process ran; its exit status is lost`
          : `cannot start the command: the spawn helper died (${reason})`,
      );
    }
    for (const { done } of writes) done(writerGone(`the spawn helper died (${reason})`));
  }

  /** Keeps the event loop alive exactly while some request is in flight. */
  private setRef(on: boolean): void {
    const child = this.child;
    if (!child) return;
    const handles = [child, child.stdin as Socket | null, child.stdout as Socket | null];
    for (const handle of handles) {
      if (on) handle?.ref();
      else handle?.unref();
    }
  }
}

function invalidSpec(spec: ProcessSpec): string | null {
  if (!spec.outputPath) return 'the spawn helper needs the output file path (ProcessSpec.outputPath)';
  return null;
}

const NUL_PROBLEM = 'the command, working directory, output path or environment holds a NUL byte';

function countNul(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\0'); at >= 0; at = text.indexOf('\0', at + 1)) count++;
  return count;
}


const ERRNO_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(os.constants.errno)) {
  if (!ERRNO_NAMES.has(number)) ERRNO_NAMES.set(number, name);
}

/** The error of a failed write, worded and coded as node:fs's (`ENOSPC: no space left on device, fsync '/x/y.tmp-1'`). */
function writeError(errno: number, step: string, message: string, write: Write): NodeJS.ErrnoException {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  const where = step === 'rename' ? `'${write.temp}' -> '${write.target}'` : `'${write.temp}'`;
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message.toLowerCase()}, ${step} ${where}`);
  error.code = code;
  error.errno = -errno;
  error.syscall = step;
  error.path = write.temp;
  return error;
}

function writerGone(why: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`the write was not confirmed: ${why}`);
  error.code = WRITER_GONE;
  return error;
}

function startProblem(stage: string, message: string, request: Request): string {
  if (stage === 'cwd') return `working directory ${request.cwd}: ${message}`;
  if (stage === 'output') return `cannot open the output file ${request.outputPath}: ${message}`;
  return `/bin/sh: ${message}`;
}

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(os.constants.signals)) {
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name); // SIGABRT before SIGIOT, SIGIO before SIGPOLL
}

function signalName(signo: number): string {
  return SIGNAL_NAMES.get(signo) ?? `SIG${signo}`;
}

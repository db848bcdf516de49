// What `logs` prints, and following a log as it grows (across rotations). Following covers the
// output of runs that overlap another run of the task too: each from its own file while it runs,
// and, once appended to the task's log, only what was not printed yet. `--run ID -f` follows that
// run only (its retries too) and ends when the run has ended; without `--run`, `-f` follows the
// task's log, run after run, until SIGINT/SIGTERM. Written to stdout with its
// backpressure: a pipe keeps in memory whatever it is handed, so `logs | head` of a 2 GB log
// would hold the log, and a reader that goes away ends the command (main.ts) at its next drain.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { concurrentFiles, taskOfLog } from '../adapters/fileTaskLog.js';
import { isLiveProcess } from '../adapters/process/procfs.js';
import { unsafeNameReason } from '../core/config/semanticProblems.js';
import { ConductorError, EXIT } from '../core/errors.js';
import { copyFile, copyRunOutput, lastRunId, logFiles, scanFile, SectionFilter, sectionKey, type Drained, type SectionHeader } from './readTaskLog.js';
import { readHistory } from './homeReaders.js';
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';
import { onStopSignals } from './signals.js';

const KEEP = 50;

const write = (chunk: Buffer) => void process.stdout.write(chunk);
/** While stdout holds more than its high-water mark, the moment it has written it out. */
const drained: Drained = () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : null);

export async function showLogs(paths: HomePaths, request: { task: string; run?: string; follow: boolean }): Promise<number> {
  const unsafe = unsafeNameReason(request.task);
  if (unsafe) throw new ConductorError('USAGE', `--task: ${unsafe}`);
  const current = path.join(paths.taskLogsDir, `${request.task}.log`);
  const anything = logFiles(current, KEEP).length > 0 || concurrentFiles(current).length > 0;
  if (!anything) {
    // A name the config does not know (a typo) is said so; following a log that does not exist
    // yet, a task of the config waits for its first run.
    if (!knownTask(paths, request.task)) {
      throw new ConductorError('USAGE', `no task "${request.task}" in the config, and no output recorded for it (${current} does not exist)`);
    }
    if (!request.follow) throw new ConductorError('USAGE', `no output recorded for task "${request.task}" (${current} does not exist)`);
    process.stderr.write(`waiting for the output of "${request.task}" (nothing recorded yet in ${current})\n`);
  }
  // A follow goes on exactly where the copy stopped: a line appended in between is printed once.
  const start = request.follow ? wholeLinesOf(current) : null;
  const runId = request.run ?? (await lastRunId(current));
  const upTo = start ? { ino: start.ino, end: start.size } : undefined;
  const printed = runId === null ? new Map<string, number>() : await copyRunOutput(current, KEEP, runId, write, drained, upTo);
  // A run that has not printed yet (queued, waiting, awaiting approval) is followed until it has ended.
  if (request.run !== undefined && printed === null && (!request.follow || runOver(paths, request.run))) {
    throw new ConductorError('USAGE', `no output of run ${request.run} in the logs of task "${request.task}"`);
  }
  if (!request.follow) return EXIT.ok;
  if (request.run === undefined) {
    await follow(current, start, printed ?? new Map(), null);
    return EXIT.ok;
  }
  const run = request.run;
  // A run that has ended has printed all it will; one still going is followed until it ends.
  if (!runOver(paths, run)) await follow(current, start, printed ?? new Map(), { runId: run, over: () => runOver(paths, run) });
  else if (start) fs.closeSync(start.fd);
  return EXIT.ok;
}

/** Whether the home's config names the task (true when the config cannot be read: then nothing is refused for it). */
function knownTask(paths: HomePaths, task: string): boolean {
  try {
    return loadConfig(paths.config).config.tasks.some((t) => t.name === task);
  } catch {
    return true;
  }
}

/** The task log, open: read through this descriptor, a log renamed away (rotated) is still read to its end. */
interface OpenLog {
  fd: number;
  ino: number;
}

function openLog(file: string): OpenLog | null {
  try {
    const fd = fs.openSync(file, 'r');
    return { fd, ino: fs.fstatSync(fd).ino };
  } catch {
    return null;
  }
}

/**
 * The log, open, and its size up to its last line end now (a line being written is left to the
 * follow, so that a header is never cut in two), or null when there is no log yet.
 */
function wholeLinesOf(file: string): (OpenLog & { size: number }) | null {
  const log = openLog(file);
  if (!log) return null;
  const { size } = fs.fstatSync(log.fd);
  const tail = Buffer.alloc(Math.min(size, 64 * 1024));
  const read = fs.readSync(log.fd, tail, 0, tail.length, size - tail.length);
  const newline = tail.subarray(0, read).lastIndexOf(0x0a);
  if (newline >= 0) return { ...log, size: size - tail.length + newline + 1 };
  return { ...log, size: tail.length < size ? size : 0 }; // a line longer than the tail read is taken whole
}

/** The last section header in the first `end` bytes of `file`, or null. */
async function lastHeaderBefore(file: string, end: number): Promise<SectionHeader | null> {
  let last: SectionHeader | null = null;
  await scanFile(file, (header) => ((last = header), false), () => {}, undefined, end);
  return last;
}

const OPEN_STATES = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

/** Run `runId` has ended, or cannot go on (not in the history, or its conductor is gone). */
function runOver(paths: HomePaths, runId: string): boolean {
  let run;
  try {
    run = readHistory(paths, (store) => store.getRun(runId));
  } catch {
    return false; // the history cannot be read just now (a migration, a lock): look again
  }
  if (!run || !OPEN_STATES.has(run.state)) return true;
  return run.owner_pid !== null && !isLiveProcess(run.owner_pid, run.owner_start);
}

/**
 * Prints what is appended to `file`, and to the task's overlapping runs' own files, until
 * SIGINT/SIGTERM; when the log is rotated, reads the old one to its end, then the new one. `from`:
 * the log as the copy before the follow read it, open, and the byte where that copy stopped.
 * `printed`: bytes of own files printed so far.
 * With `only`, just that run's sections, and it ends once `only.over()` (after a last look, so
 * that what the run wrote before it ended is printed).
 */
async function follow(
  file: string,
  from: (OpenLog & { size: number }) | null,
  printed: Map<string, number>,
  only: { runId: string; over: () => boolean } | null,
): Promise<void> {
  let log: OpenLog | null = from;
  let position = from?.size ?? 0;
  // Sections appended to the log from an own file skip what was printed from that file; with
  // `only`, another run's sections are left out, and what follows `position` before the next
  // header belongs to the section the log ends in now: printed only when it is that run's.
  const within = only ? await lastHeaderBefore(file, position) : null;
  const filter = new SectionFilter(
    (header) => (only && header.run_id !== only.runId ? Infinity : (printed.get(sectionKey(header)) ?? 0)),
    write,
    only && within?.run_id !== only.runId ? Infinity : 0,
    taskOfLog(file),
  );
  const buffer = Buffer.alloc(64 * 1024);
  /** Prints what the open log has past `position`. */
  const readOn = async (open: OpenLog) => {
    if (fs.fstatSync(open.fd).size < position) position = 0; // truncated
    let read: number;
    while ((read = fs.readSync(open.fd, buffer, 0, buffer.length, position)) > 0) {
      filter.feed(buffer.subarray(0, read));
      position += read;
      await drained();
    }
  };
  const tick = async () => {
    for (const own of concurrentFiles(file)) {
      if (only && own.run_id !== only.runId) continue;
      const key = sectionKey(own);
      const size = await copyFile(own, write, printed.get(key) ?? 0, drained);
      if (size !== null) printed.set(key, size);
    }
    if (log) await readOn(log);
    let ino: number;
    try {
      ino = fs.statSync(file).ino;
    } catch {
      return; // no log at that name (yet, or just now): the open one is all there is
    }
    if (log?.ino === ino) return;
    // Rotated (or made): the old log's last bytes, then the new one from its start.
    if (log) {
      await readOn(log);
      fs.closeSync(log.fd);
    }
    log = openLog(file);
    position = 0;
    if (log) await readOn(log);
  };
  await new Promise<void>((resolve) => {
    // The next look 200 ms after the last one ended: one that waits for the reader never overlaps the next.
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const finish = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (log) fs.closeSync(log.fd);
      log = null;
      stop();
      resolve();
    };
    const next = () => {
      if (stopped) return;
      // Whether the run had ended is asked before the look, so that the look prints its last output.
      const over = only?.over() ?? false;
      timer = setTimeout(() => void tick().then(over ? finish : next), 200);
    };
    next();
    const stop = onStopSignals(finish);
  });
}

// What `logs` prints, and following a log as it grows (across rotations). Following covers the
// output of runs that overlap another run of the task too: each from its own file while it runs,
// and, once appended to the task's log, only what was not printed yet. Written to stdout with its
// backpressure: a pipe keeps in memory whatever it is handed, so `logs | head` of a 2 GB log
// would hold the log, and a reader that goes away ends the command (main.ts) at its next drain.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { concurrentFiles } from '../adapters/fileTaskLog.js';
import { unsafeNameReason } from '../core/config/semanticProblems.js';
import { ConductorError, EXIT } from '../core/errors.js';
import { copyFile, copyRunOutput, lastRunId, logFiles, SectionFilter, sectionKey, type Drained } from './readTaskLog.js';
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
  if (!anything && !request.follow) {
    throw new ConductorError('USAGE', `no output recorded for task "${request.task}" (${current} does not exist)`);
  }
  const runId = request.run ?? (await lastRunId(current));
  const printed = runId === null ? new Map<string, number>() : await copyRunOutput(current, KEEP, runId, write, drained);
  if (request.run !== undefined && printed === null) {
    throw new ConductorError('USAGE', `no output of run ${request.run} in the logs of task "${request.task}"`);
  }
  if (!request.follow) return EXIT.ok;
  await follow(current, printed ?? new Map());
  return EXIT.ok;
}

/**
 * Prints what is appended to `file`, and to the task's overlapping runs' own files, until
 * SIGINT/SIGTERM; reopens the log when it is rotated. `printed`: bytes of own files printed so far.
 */
async function follow(file: string, printed: Map<string, number>): Promise<void> {
  let position = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let inode = fs.existsSync(file) ? fs.statSync(file).ino : -1;
  // Sections appended to the log from an own file skip what was printed from that file.
  const filter = new SectionFilter((header) => printed.get(sectionKey(header)) ?? 0, write, 0);
  const buffer = Buffer.alloc(64 * 1024);
  const tick = async () => {
    for (const own of concurrentFiles(file)) {
      const key = sectionKey(own);
      const size = await copyFile(own, write, printed.get(key) ?? 0, drained);
      if (size !== null) printed.set(key, size);
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (stat.ino !== inode || stat.size < position) {
      inode = stat.ino;
      position = 0;
    }
    if (stat.size <= position) return;
    const fd = fs.openSync(file, 'r');
    try {
      let read: number;
      while ((read = fs.readSync(fd, buffer, 0, buffer.length, position)) > 0) {
        filter.feed(buffer.subarray(0, read));
        position += read;
        await drained();
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  await new Promise<void>((resolve) => {
    // The next look 200 ms after the last one ended: one that waits for the reader never overlaps the next.
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const next = () => {
      if (!stopped) timer = setTimeout(() => void tick().then(next), 200);
    };
    next();
    const stop = onStopSignals(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

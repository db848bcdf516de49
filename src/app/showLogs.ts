// What `logs` prints, and following a log as it grows (across rotations).
import fs from 'node:fs';
import path from 'node:path';
import { unsafeNameReason } from '../core/config/semanticProblems.js';
import { ConductorError, EXIT } from '../core/errors.js';
import { copyRun, lastRunId, logFiles } from './readTaskLog.js';
import type { HomePaths } from './paths.js';
import { onStopSignals } from './signals.js';

export async function showLogs(paths: HomePaths, request: { task: string; run?: string; follow: boolean }): Promise<number> {
  const unsafe = unsafeNameReason(request.task);
  if (unsafe) throw new ConductorError('USAGE', `--task: ${unsafe}`);
  const current = path.join(paths.taskLogsDir, `${request.task}.log`);
  const files = logFiles(current, 50);
  const write = (chunk: Buffer) => process.stdout.write(chunk);
  if (files.length === 0 && !request.follow) {
    throw new ConductorError('USAGE', `no output recorded for task "${request.task}" (${current} does not exist)`);
  }
  const runId = request.run ?? (fs.existsSync(current) ? lastRunId(current) : null);
  if (request.run !== undefined && !copyRun(files, request.run, write)) {
    throw new ConductorError('USAGE', `no output of run ${request.run} in the logs of task "${request.task}"`);
  }
  if (request.run === undefined && runId !== null) copyRun(files, runId, write);
  if (!request.follow) return EXIT.ok;
  await follow(current);
  return EXIT.ok;
}

/** Prints what is appended to `file` until SIGINT/SIGTERM; reopens it when it is rotated. */
async function follow(file: string): Promise<void> {
  let position = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let inode = fs.existsSync(file) ? fs.statSync(file).ino : -1;
  const buffer = Buffer.alloc(64 * 1024);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
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
          process.stdout.write(Buffer.from(buffer.subarray(0, read)));
          position += read;
        }
      } finally {
        fs.closeSync(fd);
      }
    }, 200);
    const stop = onStopSignals(() => {
      clearInterval(timer);
      stop();
      resolve();
    });
  });
}

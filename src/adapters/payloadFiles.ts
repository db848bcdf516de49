// A webhook's body, kept for its run as status/payloads/<run_id>.json (mode 0600: it may hold
// what the sender considers private), written atomically before the run is asked for so that the
// run never starts without it; removed with the history it belongs to.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';
import { makeDirs } from './makeDirs.js';

const RUN_FILE = /^(.+)\.json$/;

export function payloadFile(dir: string, runId: string): string {
  return path.join(dir, `${runId}.json`);
}

/** Writes the body (the folder made 0700 if missing); the file is whole or absent. */
export function writePayload(dir: string, runId: string, body: Buffer): string {
  makeDirs(dir, 0o700);
  const file = payloadFile(dir, runId);
  writeFileAtomic(file, body, { mode: 0o600 });
  return file;
}

export function removePayload(dir: string, runId: string): void {
  fs.rmSync(payloadFile(dir, runId), { force: true });
}

/** Removes payload files last written before `before` (ms) whose run is not open; returns how many. */
export function prunePayloads(dir: string, before: number, isOpen: (runId: string) => boolean): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const runId = RUN_FILE.exec(name)?.[1];
    if (!runId) continue;
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.mtimeMs >= before || isOpen(runId)) continue;
    fs.rmSync(file, { force: true });
    removed++;
  }
  return removed;
}

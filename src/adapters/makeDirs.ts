// `mkdir -p`, one folder at a time. Node 20's fs.mkdirSync(dir, {recursive: true}) never returns
// when a folder cannot be made under a parent that exists (/proc/x/y: mkdir says ENOENT, its
// parent EEXIST, and it tries again for ever, at full CPU). Here the first failure is thrown.
import fs from 'node:fs';
import path from 'node:path';

/** Makes `dir` and the folders above it that are missing (new ones get `mode`); throws the first error. */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      if (fs.statSync(at).isDirectory()) break;
      fs.mkdirSync(at); // not a folder: mkdir says why (EEXIST, ENOTDIR) in the words of the path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw error;
      missing.push(at);
    }
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, mode === undefined ? undefined : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(folder).isDirectory()) throw error;
    }
  }
}

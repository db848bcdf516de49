// The checks of `watch` blocks a JSON Schema cannot make: the glob compiles, `json: false` does
// not contradict `json_schema`, a file is never moved onto the folder it came from, and two tasks
// watching one folder are pointed out (each file that both take gets a run of each, and the first
// to finish moves it away from the other). The file-system checks (the folder is a folder we can
// read) are the app's, after this (app/watchPathProblems.ts).
import type { Problem } from '../errors.js';
import { compilePattern } from '../watch/namePattern.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Folder paths compared as written, without `./` and trailing slashes (the app compares real paths). */
function folderKey(text: string): string {
  return text.replace(/\/+$/, '').replace(/^(\.\/)+/, '').replace(/\/\.\//g, '/') || '/';
}

export function watchProblems(rawTasks: unknown[]): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const byFolder = new Map<string, number>();
  rawTasks.forEach((task, index) => {
    if (!isObject(task) || !isObject(task.watch)) return;
    const watch = task.watch;
    const at = `/tasks/${index}/watch`;
    if (typeof watch.pattern === 'string') {
      const compiled = compilePattern(watch.pattern);
      if (!compiled.ok) problems.push({ where: `${at}/pattern`, message: compiled.reason });
    }
    if (watch.json === false && typeof watch.json_schema === 'string') {
      problems.push({ where: `${at}/json`, message: 'json is false but json_schema is set: a schema check needs the JSON (omit json, or set it true)' });
    }
    for (const key of ['path', 'processed_dir', 'failed_dir', 'json_schema']) {
      const value = watch[key];
      if (typeof value === 'string' && value.includes('\0')) problems.push({ where: `${at}/${key}`, message: 'must not hold a NUL byte' });
    }
    if (typeof watch.path !== 'string') return;
    const folder = folderKey(watch.path);
    for (const key of ['processed_dir', 'failed_dir']) {
      const value = watch[key];
      if (typeof value === 'string' && folderKey(value) === folder) {
        problems.push({ where: `${at}/${key}`, message: `is the watched folder itself: a file would be "moved" to where it is (use null to leave files in place)` });
      }
    }
    const first = byFolder.get(folder);
    if (first === undefined) byFolder.set(folder, index);
    else {
      warnings.push({
        where: `${at}/path`,
        message: `/tasks/${first} watches the same folder: a file both patterns match gets a run of each, and the first to finish moves it`,
      });
    }
  });
  return { problems, warnings };
}

// The checks of `watch` blocks a JSON Schema cannot make: the glob compiles, `json: false` does
// not contradict `json_schema`, a file is never moved onto the folder it came from, and two tasks
// watching one folder take names that cannot be the same file (a file both took would be run by
// whichever started first and moved away before the other ran it: lost to that task). The
// file-system checks (the folder is a folder we can read) are the app's, after this
// (app/watchPathProblems.ts).
import type { Problem } from '../errors.js';
import { compilePattern, patternsMayOverlap } from '../watch/namePattern.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Folder paths compared as written, without `./` and trailing slashes (the app compares real paths). */
function folderKey(text: string): string {
  return text.replace(/\/+$/, '').replace(/^(\.\/)+/, '').replace(/\/\.\//g, '/') || '/';
}

export function watchProblems(rawTasks: unknown[]): Problem[] {
  const problems: Problem[] = [];
  const byFolder = new Map<string, { index: number; pattern: string }[]>();
  rawTasks.forEach((task, index) => {
    if (!isObject(task) || !isObject(task.watch)) return;
    const watch = task.watch;
    const at = `/tasks/${index}/watch`;
    let pattern: string | null = '*';
    if (typeof watch.pattern === 'string') {
      const compiled = compilePattern(watch.pattern);
      if (!compiled.ok) problems.push({ where: `${at}/pattern`, message: compiled.reason });
      pattern = compiled.ok ? watch.pattern : null;
    } else if (watch.pattern !== undefined) pattern = null;
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
    const others = byFolder.get(folder) ?? [];
    const clash = pattern === null ? undefined : others.find((other) => patternsMayOverlap(other.pattern, pattern));
    if (clash) {
      problems.push({
        where: `${at}/pattern`,
        message: `/tasks/${clash.index} watches the same folder with a pattern that can take the same files (${JSON.stringify(clash.pattern)}, ${JSON.stringify(pattern)}): a file would be run by one task and moved away from the other; give them patterns that cannot match one name (\"*.csv\", \"*.json\"), or folders of their own`,
      });
    }
    if (pattern !== null) byFolder.set(folder, [...others, { index, pattern }]);
  });
  return problems;
}

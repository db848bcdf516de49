// The checks of watch tasks that touch the file system, after the config's pure validation
// (spec/triggers.md: a `watch.path` that is a file, or not readable, is a config error at
// validate and at start, with its JSON pointer); and the absolute folders of a watch task.
// The JSON Schema files are read and parsed here; compiling them (ajv, ~200 ms to load) is
// left to the commands that need it (compileWatchSchemas), so that `status` never pays for it.
import fs from 'node:fs';
import path from 'node:path';
import { parseJson } from '../core/config/parseJson.js';
import { ConductorError, type Problem } from '../core/errors.js';
import type { Config, Task } from '../core/types.js';
import type { SchemaCheck } from '../core/watch/checkJsonFile.js';
import type { WatchPaths } from '../engine/watch/types.js';

/** The folders of a watch task, absolute (the watched folder, relative paths against the home). */
export function watchPaths(task: Task, home: string, statusDir: string): WatchPaths {
  const spec = task.watch!;
  const abs = (p: string | null) => (p === null ? null : path.resolve(home, p));
  return {
    dir: path.resolve(home, spec.path),
    processedDir: abs(spec.processed_dir),
    failedDir: abs(spec.failed_dir),
    statusDir: path.join(statusDir, 'watch', task.name),
  };
}

/** Every file-system problem of the config's watch tasks, each with its JSON pointer. */
export function watchPathProblems(config: Config, home: string): Problem[] {
  return config.tasks.flatMap((task, index) => (task.watch ? watchSpecProblems(task.watch, `/tasks/${index}/watch`, home) : []));
}

/** True when `file` is a symbolic link whose target does not exist (mkdir cannot make the folder through it). */
function danglingLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** What of a watch the file-system checks read; a field absent (null) is not checked. */
export interface WatchFolders {
  path: string;
  processed_dir: string | null;
  failed_dir: string | null;
  json_schema: string | null;
}

/** The file-system problems of one watch (`at`: its JSON pointer). */
export function watchSpecProblems(watch: WatchFolders, at: string, home: string): Problem[] {
  const problems: Problem[] = [];
  const dir = path.resolve(home, watch.path);
  const folder = statOf(dir);
  const pseudo = folder?.isDirectory() ? pseudoFileSystem(dir) : null;
  if (folder && !folder.isDirectory()) problems.push({ where: `${at}/path`, message: `${dir} is a file, not a folder` });
  else if (pseudo) {
    problems.push({ where: `${at}/path`, message: `${dir} is on ${pseudo}, the kernel's view of itself, not a folder files are dropped into` });
  } else if (folder) {
    try {
      fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    } catch {
      problems.push({ where: `${at}/path`, message: `${dir} cannot be read (permission denied)` });
    }
  } else if (danglingLink(dir)) {
    problems.push({ where: `${at}/path`, message: `${dir} is a symbolic link to ${fs.readlinkSync(dir)}, which does not exist (make that folder, or point the link at one)` });
  } else if (!creatable(dir)) {
    problems.push({ where: `${at}/path`, message: `${dir} does not exist and cannot be created (its parent is not a writable folder)` });
  }
  for (const key of ['processed_dir', 'failed_dir'] as const) {
    const value = watch[key];
    if (value === null) continue;
    const target = path.resolve(home, value);
    const stat = statOf(target);
    if (target === dir || (stat && folder && stat.ino === folder.ino && stat.dev === folder.dev)) {
      problems.push({ where: `${at}/${key}`, message: `${target} is the watched folder itself: a file would be "moved" to where it is (use null to leave files in place)` });
    } else if (stat && !stat.isDirectory()) problems.push({ where: `${at}/${key}`, message: `${target} is a file, not a folder` });
    else {
      // A folder not made yet lands on its nearest existing ancestor's file system.
      const targetDev = stat ? stat.dev : nearestExisting(target)?.dev;
      const folderDev = folder?.isDirectory() ? folder.dev : nearestExisting(dir)?.dev;
      if (targetDev !== undefined && folderDev !== undefined && targetDev !== folderDev) {
        problems.push({ where: `${at}/${key}`, message: `${target} is on another file system than ${dir}: files are renamed there, never copied` });
      }
    }
  }
  if (watch.json_schema !== null) {
    const read = readSchema(path.resolve(home, watch.json_schema));
    if (!read.ok) problems.push({ where: `${at}/json_schema`, message: read.reason });
  }
  return problems;
}

/** Kernel file systems (statfs magic numbers) no file is dropped into, and where making a folder can hang (/proc). */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpffs'],
]);

/** The name of the kernel file system `dir` is on, or null for an ordinary one. */
function pseudoFileSystem(dir: string): string | null {
  try {
    return PSEUDO_FILE_SYSTEMS.get(fs.statfsSync(dir).type) ?? null;
  } catch {
    return null;
  }
}

/** The compiled json_schema of each watch task that has one; every problem at once, as a config error. */
export async function compileWatchSchemas(config: Config, home: string, shown: string): Promise<Map<string, SchemaCheck>> {
  const compiled = new Map<string, SchemaCheck>();
  const problems: Problem[] = [];
  const wanted = config.tasks.map((task, index) => ({ task, index })).filter(({ task }) => task.watch?.json_schema);
  if (wanted.length === 0) return compiled;
  const { compileSchemaCheck } = await import('../core/watch/schemaCheck.js');
  for (const { task, index } of wanted) {
    const where = `/tasks/${index}/watch/json_schema`;
    const read = readSchema(path.resolve(home, task.watch!.json_schema!));
    if (!read.ok) {
      problems.push({ where, message: read.reason });
      continue;
    }
    const result = compileSchemaCheck(read.value);
    if (result.ok) compiled.set(task.name, result.check);
    else problems.push({ where, message: result.reason });
  }
  if (problems.length > 0) {
    throw new ConductorError('CONFIG_INVALID', `${shown}: invalid config, ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, { problems });
  }
  return compiled;
}

function readSchema(file: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (error as Error).message}` };
  }
  if (text.trim() === '') return { ok: false, reason: `${file}: the file is empty (expected a JSON Schema)` };
  // As the config's own errors: the file, line and column where the JSON goes wrong.
  const parsed = parseJson(text, file);
  if (parsed.ok) return { ok: true, value: parsed.value };
  return { ok: false, reason: `${parsed.problem.where}: not JSON (${parsed.problem.message.replace(/^invalid JSON: /, '')})` };
}

function statOf(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** `dir`'s nearest existing ancestor (the file system a folder made there lands on), or null. */
function nearestExisting(dir: string): fs.Stats | null {
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    const stat = statOf(at);
    if (stat) return stat;
    if (path.dirname(at) === at) return null;
  }
}

/** Can `dir` be made: its nearest existing ancestor is a folder we can write. */
function creatable(dir: string): boolean {
  let parent = path.dirname(dir);
  for (;;) {
    const stat = statOf(parent);
    if (stat) {
      if (!stat.isDirectory()) return false;
      try {
        fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }
    const up = path.dirname(parent);
    if (up === parent) return false;
    parent = up;
  }
}

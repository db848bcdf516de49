// `import-crontab`: read a crontab, convert it (core/crontab), and either hand back the new
// config or add the tasks to the config at --output, written atomically. An existing --output
// is merged into, never overwritten: its tasks keep their names, the imported ones take others,
// and a line already imported (same schedule, command and zone) is not added twice. A config
// that does not validate is not touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../adapters/atomicWrite.js';
import { readConfigText } from '../adapters/configFile.js';
import { readCrontabText } from '../adapters/crontabFile.js';
import { systemNames } from '../adapters/systemNames.js';
import { parseJson } from '../core/config/parseJson.js';
import { validateConfig } from '../core/config/validateConfig.js';
import { configWithTasks } from '../core/crontab/configWithTasks.js';
import type { ExistingTask } from '../core/crontab/convertCrontab.js';
import { crontabFormat, type FormatDecision } from '../core/crontab/crontabFormat.js';
import { importCrontab, type CrontabImport } from '../core/crontab/importCrontab.js';
import type { CrontabFormat } from '../core/crontab/types.js';
import { ConductorError } from '../core/errors.js';
import { systemTimezone } from '../core/schedule/systemTimezone.js';
import { shownPath } from './loadConfig.js';
import { userName } from './userName.js';
import { makeDirs } from '../adapters/makeDirs.js';

export interface ImportRequest {
  /** A crontab file, or `-` for standard input. */
  file: string;
  user?: boolean;
  system?: boolean;
  /** The config to add the tasks to (created when missing). */
  output?: string;
}

export interface ImportReport {
  /** The crontab as messages show it. */
  shown: string;
  format: CrontabFormat;
  /** What decided the format: a guess (`folder`, `content`) is said on stderr with its override. */
  formatBy: FormatDecision['by'];
  result: CrontabImport;
  /** The config with the imported tasks: what stdout shows, or what was written. */
  config: Record<string, unknown>;
  /** The --output file as shown, when it was written. */
  written: string | null;
  /** The --output file as shown, when given. */
  output: string | null;
}

export function importCrontabFile(request: ImportRequest): ImportReport {
  if (request.file === '') throw new ConductorError('USAGE', 'name a crontab file, or - for standard input');
  const file = request.file === '-' ? '-' : path.resolve(request.file);
  const shown = file === '-' ? 'stdin' : shownPath(file);
  const text = readCrontabText(file, shown);
  const decision = crontabFormat(file, request, { text, system: systemNames() });
  const format = decision.format;
  const target = request.output === undefined ? null : path.resolve(request.output);
  const existing = target === null ? null : readTarget(target);
  const settings = existing?.settings as { timezone?: unknown } | undefined;
  const zone = systemTimezone();
  const result = importCrontab(text, {
    format,
    source: file === '-' ? 'standard input' : file,
    existing: existingTasks(existing),
    importingUser: currentUser(),
    // cron reads schedules in the machine's zone; a target config that sets another keeps it
    // for its own tasks, so the imported ones name the machine's.
    defaultTimezone: typeof settings?.timezone === 'string' && settings.timezone !== zone ? zone : null,
  });
  if ('problem' in result) throw new ConductorError('INPUT_INVALID', `${shown}: ${result.problem}`);
  const config = configWithTasks(existing, result.tasks);
  const check = validateConfig(config);
  if (!check.ok) {
    throw new ConductorError('INTERNAL', `the imported tasks do not make a valid config (a bug in import-crontab):`, { problems: check.problems });
  }
  let written: string | null = null;
  if (target !== null && result.tasks.length > 0) {
    writeOutput(target, `${JSON.stringify(config, null, 2)}\n`);
    written = shownPath(target);
  }
  return { shown, format, formatBy: decision.by, result, config, written, output: target === null ? null : shownPath(target) };
}

/** `text` written atomically to `file` (its folder made), or the error that says why it cannot be. */
function writeOutput(file: string, text: string): void {
  try {
    makeDirs(path.dirname(file));
    writeFileAtomic(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? `permission denied (${userName()} cannot write in ${shownPath(existingFolder(path.dirname(file)))})`
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'a part of that path is a file, not a folder'
              : (error as Error).message;
    throw new ConductorError('PATH_NOT_WRITABLE', `cannot write ${shownPath(file)}: ${why}; nothing was written`, { cause: error });
  }
}

/** `dir`, or its nearest ancestor that exists: the folder a new file or folder is made in. */
function existingFolder(dir: string): string {
  let folder = dir;
  while (!fs.existsSync(folder) && folder !== path.dirname(folder)) folder = path.dirname(folder);
  return folder;
}

/** The config at `file`, parsed and valid, or null when there is no file yet. */
function readTarget(file: string): Record<string, unknown> | null {
  if (!fs.existsSync(file)) return null;
  const shown = shownPath(file);
  const parsed = parseJson(readConfigText(file, shown), shown);
  if (!parsed.ok) throw new ConductorError('CONFIG_JSON', `${parsed.problem.where}: ${parsed.problem.message}; nothing was added to it`);
  const check = validateConfig(parsed.value);
  if (!check.ok) {
    const count = check.problems.length;
    throw new ConductorError('CONFIG_INVALID', `${shown}: invalid config, ${count} problem${count === 1 ? '' : 's'}; nothing was added to it:`, {
      problems: check.problems,
    });
  }
  return parsed.value as Record<string, unknown>;
}

function existingTasks(config: Record<string, unknown> | null): ExistingTask[] {
  const tasks = Array.isArray(config?.tasks) ? (config.tasks as ExistingTask[]) : [];
  return tasks.map(({ name, command, schedule, timezone }) => ({ name, command, schedule, timezone }));
}

function currentUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}

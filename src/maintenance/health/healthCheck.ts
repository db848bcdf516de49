// `health-check`: temp files under the root, the health of every task of the home (failed or
// stale), and free disk space; one result whose status is the worst level found.
import type { HomePaths } from '../../app/paths.js';
import type { Level, TaskHealth } from './assessTask.js';
import { collectTaskHealth } from './collectTaskHealth.js';
import { judgeDisk, readDiskSpace, type DiskCheck } from './disk.js';
import type { HealthCheckLimits } from './healthCheckInputs.js';
import { scanTempFiles, type TempFileScan } from './tempFiles.js';
import { formatPeriod } from '../../core/format/duration.js';

export interface HealthProblem {
  level: Exclude<Level, 'ok'>;
  check: 'temp_files' | 'tasks' | 'disk';
  message: string;
}

export interface HealthCheckResult {
  generated_at: string;
  root: string;
  /** The worst level found: `error` makes the command exit 8. */
  status: Level;
  problems: HealthProblem[];
  temp_files: TempFileScan & { level: Level; max: number; min_age_seconds: number };
  /** `self` is the task running this check (not judged: its own run is in progress). */
  tasks: { level: Level; self: string | null; tasks: TaskHealth[] };
  disk: DiskCheck;
}

export interface HealthCheckInput {
  paths: HomePaths;
  /** Real path of the root to check (temp files, disk). */
  root: string;
  limits: HealthCheckLimits;
  now: number;
  /**
   * The task this check runs as ($CONDUCTOR_TASK under the daemon), or null. It is left out of
   * the verdict: otherwise a check that failed for two periods would find itself stale, and
   * fail forever after the real problem is gone.
   */
  selfTask: string | null;
}

export function runHealthCheck(input: HealthCheckInput): HealthCheckResult {
  const problems: HealthProblem[] = [];
  const { limits, now } = input;

  const scan = scanTempFiles({ root: input.root, minAgeMs: limits.tempMinAgeMs, now });
  let tempLevel: Level = 'ok';
  if (scan.count > limits.maxTempFiles) {
    tempLevel = 'warning';
    problems.push({ level: 'warning', check: 'temp_files', message: `${scan.count} temp files older than ${formatPeriod(limits.tempMinAgeMs)} (more than ${limits.maxTempFiles})` });
  }
  if (scan.unreadable > 0) {
    tempLevel = 'warning';
    problems.push({ level: 'warning', check: 'temp_files', message: `${scan.unreadable} folders could not be read (${scan.unreadable_examples.join(', ')})` });
  }

  const tasks = collectTaskHealth(input.paths, now);
  const judged = tasks.filter((task) => task.name !== input.selfTask);
  for (const task of judged) {
    if (task.level !== 'ok') problems.push({ level: task.level, check: 'tasks', message: `${task.name}: ${task.reason ?? task.state}` });
  }

  const disk = judgeDisk(readDiskSpace(input.root), limits.disk);
  if (disk.level !== 'ok') problems.push({ level: disk.level, check: 'disk', message: disk.message });

  return {
    generated_at: new Date(now).toISOString(),
    root: input.root,
    status: worst(problems.map((p) => p.level)),
    problems,
    temp_files: { level: tempLevel, max: limits.maxTempFiles, min_age_seconds: Math.round(limits.tempMinAgeMs / 1000), ...scan },
    tasks: { level: worst(judged.map((t) => t.level)), self: judged.length < tasks.length ? input.selfTask : null, tasks },
    disk,
  };
}

function worst(levels: Level[]): Level {
  if (levels.includes('error')) return 'error';
  return levels.includes('warning') ? 'warning' : 'ok';
}

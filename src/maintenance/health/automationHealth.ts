// `automation-health`: a report of every task (state, last status, age, next fire, stale or
// not), written atomically to <home>/status/automation_health_report.json and returned.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../adapters/atomicWrite.js';
import type { HomePaths } from '../../app/paths.js';
import { ConductorError } from '../../core/errors.js';
import type { Level, TaskHealth } from './assessTask.js';
import { collectTaskHealth } from './collectTaskHealth.js';
import { makeDirs } from '../../adapters/makeDirs.js';

export const AUTOMATION_HEALTH_FILE = 'automation_health_report.json';

export interface AutomationHealthReport {
  generated_at: string;
  summary: Record<Level, number>;
  tasks: TaskHealth[];
}

/** Builds the report at `now` and writes it under the home's status/ folder. */
export function writeAutomationHealth(paths: HomePaths, now: number): { report: AutomationHealthReport; file: string } {
  const tasks = collectTaskHealth(paths, now);
  const summary: Record<Level, number> = { ok: 0, warning: 0, error: 0 };
  for (const task of tasks) summary[task.level] += 1;
  const report: AutomationHealthReport = { generated_at: new Date(now).toISOString(), summary, tasks };
  const file = path.join(paths.statusDir, AUTOMATION_HEALTH_FILE);
  try {
    makeDirs(paths.statusDir);
    writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new ConductorError('PATH_NOT_WRITABLE', `${file}: cannot write the automation health report: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { report, file };
}

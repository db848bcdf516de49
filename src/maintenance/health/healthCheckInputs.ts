// Turns health-check's flag values into checked options; every bad value is a usage error
// (exit 1) naming its flag, all of them reported at once.
import { ConductorError, type Problem } from '../../core/errors.js';
import type { DiskThresholds } from './disk.js';
import { parseDuration } from '../../core/format/duration.js';

export interface HealthCheckFlags {
  'max-temp-files': number;
  'temp-age': string;
  'min-free-percent': number;
  'critical-free-percent': number;
}

export interface HealthCheckLimits {
  maxTempFiles: number;
  tempMinAgeMs: number;
  disk: DiskThresholds;
}

/**
 * `shown(flag, value)`: a value as the message echoes it; the CLI gives the text as typed where
 * its parser made a number of it (`abc` is NaN to yargs).
 */
export function healthCheckLimitsFrom(flags: HealthCheckFlags, shown: (flag: string, value: number) => string = (_, value) => String(value)): HealthCheckLimits {
  const problems: Problem[] = [];
  const maxTempFiles = flags['max-temp-files'];
  if (!Number.isSafeInteger(maxTempFiles) || maxTempFiles < 0) {
    problems.push({ where: '--max-temp-files', message: `expected a whole number of files, 0 or more, got ${shown('--max-temp-files', maxTempFiles)}` });
  }
  for (const flag of ['min-free-percent', 'critical-free-percent'] as const) {
    const value = flags[flag];
    if (!Number.isFinite(value) || value < 0 || value > 100) problems.push({ where: `--${flag}`, message: `expected a percentage from 0 to 100, got ${shown(`--${flag}`, value)}` });
  }
  if (flags['critical-free-percent'] > flags['min-free-percent']) {
    problems.push({ where: '--critical-free-percent', message: 'must not be above --min-free-percent' });
  }
  let tempMinAgeMs = 0;
  try {
    tempMinAgeMs = parseDuration(flags['temp-age'], { flag: '--temp-age' });
  } catch (error) {
    problems.push(...(error as ConductorError).problems);
  }
  if (problems.length > 0) throw new ConductorError('USAGE', 'Bad health-check options:', { problems });
  return {
    maxTempFiles,
    tempMinAgeMs,
    disk: { minFreePercent: flags['min-free-percent'], criticalFreePercent: flags['critical-free-percent'] },
  };
}

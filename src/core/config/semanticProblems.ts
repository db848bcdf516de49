// The checks a JSON Schema cannot make: names, cron expressions, timezones, the DAG.
import type { Problem } from '../errors.js';
import { findCycles } from '../dag/findCycles.js';
import { checkCron, checkTimezone } from '../schedule/cron.js';
import { executorProblems, executorWarnings } from './executorProblems.js';
import { haProblems } from './haProblems.js';
import { httpProblems, httpOffWarnings } from './httpProblems.js';
import { runnableProblems } from './runnableProblems.js';
import { describeValue } from './schemaProblems.js';
import { watchProblems } from './watchProblems.js';

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
export const MAX_NAME_LENGTH = 100;

/** Why `name` cannot be a task name (it becomes a file name), or null when it can. */
export function unsafeNameReason(name: string): string | null {
  if (name === '') return 'a task name must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `a task name is at most ${MAX_NAME_LENGTH} characters (this one has ${name.length})`;
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    return `${describeValue(name)} is not a safe task name (use letters, digits, '.', '_' and '-', not starting with '.' or '-', no '..')`;
  }
  return null;
}

interface RawTask {
  name?: unknown;
  schedule?: unknown;
  timezone?: unknown;
  dependencies?: unknown;
  enabled?: unknown;
}

export interface SemanticResult {
  problems: Problem[];
  warnings: Problem[];
}

/** Problems in a config whose shape may itself be wrong; checks whatever parts are well-typed. */
export function semanticProblems(value: unknown): SemanticResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  if (!isObject(value)) return { problems, warnings };

  const settings = isObject(value.settings) ? value.settings : {};
  if (typeof settings.timezone === 'string') {
    const reason = checkTimezone(settings.timezone);
    if (reason) problems.push({ where: '/settings/timezone', message: reason });
  }
  if (settings.enable_notifications === true) {
    const hook = settings.notification_webhook;
    if (typeof hook !== 'string' || !isHttpUrl(hook)) {
      problems.push({
        where: '/settings/notification_webhook',
        message: 'enable_notifications is true, so this must be an http(s) URL',
      });
    }
  }

  if (isObject(settings.http)) problems.push(...httpProblems(settings.http));

  const indexByName = new Map<string, number>();
  const rawTasks = Array.isArray(value.tasks) ? (value.tasks as unknown[]) : [];
  problems.push(...executorProblems(settings, rawTasks));
  warnings.push(...executorWarnings(settings, rawTasks));
  warnings.push(...httpOffWarnings(settings, rawTasks));
  problems.push(...haProblems(settings));
  rawTasks.forEach((task, index) => {
    if (!isObject(task) || typeof task.name !== 'string') return;
    const reason = unsafeNameReason(task.name);
    if (reason) problems.push({ where: `/tasks/${index}/name`, message: reason });
    const first = indexByName.get(task.name);
    if (first === undefined) indexByName.set(task.name, index);
    else problems.push({ where: `/tasks/${index}/name`, message: `duplicate task name "${task.name}" (first at /tasks/${first})` });
  });

  const guess = nearestName(indexByName);
  const edges = new Map<string, string[]>();
  rawTasks.forEach((item, index) => {
    if (!isObject(item)) return;
    const task = item as RawTask;
    problems.push(...runnableProblems(item, index));
    if (typeof task.schedule === 'string') {
      const reason = checkCron(task.schedule);
      if (reason) problems.push({ where: `/tasks/${index}/schedule`, message: reason });
    }
    const raw = item as Record<string, unknown>;
    if (raw.retry_on_exit_codes !== undefined && raw.no_retry_on_exit_codes !== undefined) {
      problems.push({
        where: `/tasks/${index}/no_retry_on_exit_codes`,
        message: 'retry_on_exit_codes and no_retry_on_exit_codes cannot both be set: keep the list of codes that heal, or the list of those that never do',
      });
    }
    if (typeof task.timezone === 'string') {
      const reason = checkTimezone(task.timezone);
      if (reason) problems.push({ where: `/tasks/${index}/timezone`, message: reason });
    }
    if (!Array.isArray(task.dependencies) || typeof task.name !== 'string') return;
    const seen = new Set<string>();
    (task.dependencies as unknown[]).forEach((dependency, position) => {
      if (typeof dependency !== 'string') return;
      const at = `/tasks/${index}/dependencies/${position}`;
      if (seen.has(dependency)) {
        problems.push({ where: at, message: `"${dependency}" is listed twice` });
        return;
      }
      seen.add(dependency);
      if (dependency === task.name) {
        problems.push({ where: at, message: `task "${task.name}" depends on itself` });
        return;
      }
      const target = indexByName.get(dependency);
      if (target === undefined) {
        problems.push({ where: at, message: `unknown task "${dependency}"${guess(dependency)}` });
        return;
      }
      const dependencyTask = rawTasks[target] as RawTask;
      if (dependencyTask.enabled === false && task.enabled !== false) {
        warnings.push({
          where: at,
          message: `dependency ${dependency} is disabled, so "${task.name}" will always be skipped`,
        });
      }
    });
    if (!edges.has(task.name)) edges.set(task.name, [...seen].filter((d) => d !== task.name));
  });
  for (const name of indexByName.keys()) if (!edges.has(name)) edges.set(name, []);
  problems.push(...watchProblems(rawTasks));

  const search = findCycles(edges);
  for (const cycle of search.cycles) {
    const first = cycle[0] as string;
    problems.push({
      where: `/tasks/${indexByName.get(first) ?? 0}/dependencies`,
      message: `dependency cycle: ${cycle.join(' -> ')} (each task depends on the next)`,
    });
  }
  if (!search.complete) {
    problems.push({
      where: '/tasks',
      message: `more dependency cycles than the ${search.cycles.length} listed; fix these and validate again`,
    });
  }
  return { problems, warnings };
}

/** A "did you mean" for an unknown dependency: a task that differs only in case or in '-'/'_'. */
function nearestName(known: Map<string, number>): (name: string) => string {
  // Indexed once, at the first unknown name (a valid config has none: every `status` and `run`
  // validates it), so a config with thousands of unknown dependencies stays linear.
  const byLower = new Map<string, string>();
  const byBare = new Map<string, string>();
  let indexed = false;
  return (name) => {
    if (!indexed) {
      indexed = true;
      for (const candidate of known.keys()) {
        if (!byLower.has(candidate.toLowerCase())) byLower.set(candidate.toLowerCase(), candidate);
        if (!byBare.has(bare(candidate))) byBare.set(bare(candidate), candidate);
      }
    }
    const matches = [byLower.get(name.toLowerCase()), byBare.get(bare(name))].filter((m): m is string => m !== undefined);
    if (matches.length === 0) return '';
    const first = matches.reduce((a, b) => ((known.get(a) as number) <= (known.get(b) as number) ? a : b));
    return ` (did you mean "${first}"?)`;
  };
}

function bare(name: string): string {
  return name.replace(/[-_]/g, '');
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

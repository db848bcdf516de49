// What the queue executor needs of a config that a JSON Schema does not say well: a Redis URL it
// can connect to, and queue and prefix names that make valid BullMQ queue names (no ':', which
// BullMQ uses to build its keys) and readable Redis keys.
import type { Problem } from '../errors.js';
import { describeValue } from './schemaProblems.js';

const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_QUEUE_NAME = 100;

/** Why `name` cannot name a queue or a prefix, or null when it can. */
export function badQueueNameReason(name: string): string | null {
  if (name === '') return 'must not be empty';
  if (name.length > MAX_QUEUE_NAME) return `is at most ${MAX_QUEUE_NAME} characters (this one has ${name.length})`;
  if (!QUEUE_NAME.test(name)) return `${describeValue(name)} is not a valid name (use letters, digits, '.', '_' and '-', not starting with '.' or '-')`;
  return null;
}

/** Problems of `settings.executor` and of every task's `queue`, each with its JSON pointer. */
export function executorProblems(settings: Record<string, unknown>, tasks: unknown[]): Problem[] {
  const problems: Problem[] = [];
  const executor = settings.executor;
  if (isObject(executor)) {
    if (executor.type === 'queue' && executor.redis_url === undefined) {
      problems.push({ where: '/settings/executor/redis_url', message: "required when type is 'queue' (e.g. redis://127.0.0.1:6379/0)" });
    }
    if (typeof executor.redis_url === 'string' && !isRedisUrl(executor.redis_url)) {
      problems.push({
        where: '/settings/executor/redis_url',
        message: `${describeValue(executor.redis_url)} is not a Redis URL (redis://[user:password@]host[:port][/db] or rediss://...)`,
      });
    }
    if (typeof executor.prefix === 'string') {
      const reason = badQueueNameReason(executor.prefix);
      if (reason) problems.push({ where: '/settings/executor/prefix', message: reason });
    }
  }
  tasks.forEach((task, index) => {
    if (!isObject(task) || typeof task.queue !== 'string') return;
    const reason = badQueueNameReason(task.queue);
    if (reason) problems.push({ where: `/tasks/${index}/queue`, message: reason });
  });
  return problems;
}

/**
 * `queue` on a task while the executor is local (the default): valid, and kept for the day the
 * executor becomes `queue`, but the task runs here; said, so a task meant for the GPU box does
 * not run on the scheduler's machine unnoticed.
 */
export function executorWarnings(settings: Record<string, unknown>, tasks: unknown[]): Problem[] {
  const executor = settings.executor;
  if (isObject(executor) && executor.type === 'queue') return [];
  const warnings: Problem[] = [];
  tasks.forEach((task, index) => {
    if (!isObject(task) || typeof task.queue !== 'string') return;
    warnings.push({
      where: `/tasks/${index}/queue`,
      message: `"${task.queue}" has no effect: settings.executor.type is local, so ${typeof task.name === 'string' ? `"${task.name}"` : 'the task'} runs on this machine`,
    });
  });
  return warnings;
}

/** A redis:// or rediss:// URL with a host, and a port and db number if given. */
export function isRedisUrl(text: string): boolean {
  const match = /^rediss?:\/\/(?:[^@\s/]*@)?([^\s/:@]+|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?(?:\/(\d{1,2}))?\/?$/.exec(text);
  if (!match) return false;
  return match[2] === undefined || Number(match[2]) <= 65535;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// What a standby cluster needs of a config that a JSON Schema does not say well: a Redis URL it
// can connect to, and a cluster name that makes readable Redis keys (conductor:<cluster>:...).
import type { Problem } from '../errors.js';
import { badQueueNameReason, isRedisUrl } from './executorProblems.js';
import { describeValue } from './schemaProblems.js';

/** Problems of `settings.ha`, each with its JSON pointer (its shape is the schema's business). */
export function haProblems(settings: Record<string, unknown>): Problem[] {
  const ha = settings.ha;
  if (typeof ha !== 'object' || ha === null || Array.isArray(ha)) return [];
  const problems: Problem[] = [];
  const { redis_url: url, cluster } = ha as Record<string, unknown>;
  if (typeof url === 'string' && !isRedisUrl(url)) {
    problems.push({
      where: '/settings/ha/redis_url',
      message: `${describeValue(url)} is not a Redis URL (redis://[user:password@]host[:port][/db] or rediss://...)`,
    });
  }
  if (typeof cluster === 'string') {
    const reason = badQueueNameReason(cluster);
    if (reason) problems.push({ where: '/settings/ha/cluster', message: reason });
  }
  return problems;
}

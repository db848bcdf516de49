// The config an import writes: the target config as it was (settings, key order, every task)
// with the imported tasks appended; a new config when there was none. Never a rewrite of what
// the operator wrote, so a merge is safe to review with a diff.
import type { ImportedTask } from './types.js';

const NEW_CONFIG_SCHEMA = './conductor_config.schema.json';

/** `existing` (a parsed, valid config) with `tasks` added, or a new config of `tasks`. */
export function configWithTasks(existing: Record<string, unknown> | null, tasks: readonly ImportedTask[]): Record<string, unknown> {
  if (existing === null) return { $schema: NEW_CONFIG_SCHEMA, tasks: [...tasks] };
  const current = Array.isArray(existing.tasks) ? (existing.tasks as unknown[]) : [];
  return { ...existing, tasks: [...current, ...tasks] };
}

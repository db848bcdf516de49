// What a reload changed, in words for the audit log: tasks added, removed and changed (and
// which fields), and settings changed. Compares two valid configs with defaults filled.
import type { Config, Task } from '../types.js';

export interface ConfigChanges {
  added: string[];
  removed: string[];
  changed: { task: string; fields: string[] }[];
  settings: string[];
}

export function configChanges(before: Config, after: Config): ConfigChanges {
  const old = new Map(before.tasks.map((t) => [t.name, t]));
  const now = new Map(after.tasks.map((t) => [t.name, t]));
  const changes: ConfigChanges = { added: [], removed: [], changed: [], settings: [] };
  for (const [name, task] of now) {
    const previous = old.get(name);
    if (!previous) changes.added.push(name);
    else {
      const fields = differentKeys(previous, task);
      if (fields.length > 0) changes.changed.push({ task: name, fields });
    }
  }
  for (const name of old.keys()) if (!now.has(name)) changes.removed.push(name);
  changes.settings = differentKeys(before.settings, after.settings);
  return changes;
}

/** One line for people, or null when nothing changed. */
export function describeChanges(changes: ConfigChanges): string | null {
  const parts: string[] = [];
  if (changes.added.length > 0) parts.push(`added ${changes.added.join(', ')}`);
  if (changes.removed.length > 0) parts.push(`removed ${changes.removed.join(', ')}`);
  if (changes.changed.length > 0) parts.push(`changed ${changes.changed.map((c) => `${c.task} (${c.fields.join(', ')})`).join(', ')}`);
  if (changes.settings.length > 0) parts.push(`settings ${changes.settings.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function differentKeys(a: Task | Config['settings'], b: Task | Config['settings']): string[] {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].filter((key) => JSON.stringify(x[key]) !== JSON.stringify(y[key])).sort();
}

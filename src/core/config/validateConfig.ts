// From a parsed JSON value to a Config with every default filled, or every problem at once.
import type { Problem } from '../errors.js';
import type { Config } from '../types.js';
import { withDefaults } from './defaults.js';
import { schemaProblems } from './schemaProblems.js';
import { semanticProblems } from './semanticProblems.js';

export type Validation =
  | { ok: true; config: Config; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

export function validateConfig(value: unknown): Validation {
  const structural = schemaProblems(value);
  const { problems: semantic, warnings } = semanticProblems(value);
  const problems = [...structural, ...semantic].sort(byPointer);
  if (problems.length > 0) return { ok: false, problems, warnings };
  return { ok: true, config: withDefaults(value as Parameters<typeof withDefaults>[0]), warnings };
}

/** Orders problems as they appear in the file: /tasks/2 before /tasks/10. */
function byPointer(a: Problem, b: Problem): number {
  const pa = a.where.split('/');
  const pb = b.where.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

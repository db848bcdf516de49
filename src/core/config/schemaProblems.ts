// Checks a config's shape against the built-in JSON Schema and words each failure for people.
import { editDistance } from '../text/editDistance.js';
import type { ErrorObject } from 'ajv';
import type { Problem } from '../errors.js';
import { validateSchema } from './compiledSchema.js';
import { settingsKeys, taskKeys } from './schema.js';

/** Every schema violation of `value`, each with its JSON pointer. */
export function schemaProblems(value: unknown): Problem[] {
  if (validateSchema(value)) return [];
  const problems = (validateSchema.errors ?? []).map((error) => describeError(error, value));
  return dedupe(problems);
}

function describeError(error: ErrorObject, root: unknown): Problem {
  const at = error.instancePath;
  const got = valueAt(root, at);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { where: `${at}/${escapePointer(key)}`, message: `unknown key${suggest(key, at)}` };
    }
    case 'required':
      return { where: `${at}/${String(params.missingProperty)}`, message: 'required key is missing' };
    case 'type':
      return { where: at || '/', message: `expected ${typeWords(params.type)}, got ${describeValue(got)}` };
    case 'enum':
      return {
        where: at,
        message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}; got ${describeValue(got)}`,
      };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
      return { where: at, message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${describeValue(got)}` };
    case 'minLength':
      return { where: at, message: 'must not be empty' };
    default:
      return { where: at || '/', message: error.message ?? 'is invalid' };
  }
}

function typeWords(type: unknown): string {
  const names = Array.isArray(type) ? type : [type];
  return names
    .map((name) => (name === 'integer' ? 'a whole number' : name === 'object' ? 'an object' : name === 'array' ? 'an array' : `a ${String(name)}`))
    .join(' or ')
    .replace('a null', 'null');
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function valueAt(root: unknown, pointer: string): unknown {
  if (!pointer) return root;
  let current: unknown = root;
  for (const part of pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A key as one token of a JSON pointer (RFC 6901: `~` is `~0`, `/` is `~1`). */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function suggest(key: string, at: string): string {
  const known = /^\/tasks\/\d+$/.test(at) ? taskKeys : at === '/settings' ? settingsKeys : at === '' ? ['tasks', 'settings'] : [];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}


function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.where}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// A watch task's `json_schema`, compiled once (at validate and at start) into a SchemaCheck.
// The schema's own `$schema` picks the dialect (draft-07 by default; 2019-09 and 2020-12 too);
// unknown formats and keywords are let through rather than refused (ajv's strict mode is for
// schema authors, not for a scheduler checking files against a schema it did not write).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaCheck } from './checkJsonFile.js';

export type CompiledSchema = { ok: true; check: SchemaCheck } | { ok: false; reason: string };

export function compileSchemaCheck(schema: unknown): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    if (typeof schema !== 'boolean') return { ok: false, reason: 'a JSON Schema is an object (or true/false)' };
  }
  const dialect = typeof schema === 'object' && schema !== null ? String((schema as Record<string, unknown>).$schema ?? '') : '';
  const options = { allErrors: true, strict: false, validateFormats: false, logger: false } as const;
  const ajv = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as object);
  } catch (error) {
    return { ok: false, reason: `not a usable JSON Schema: ${(error as Error).message}` };
  }
  return {
    ok: true,
    check: (value) => (validate(value) ? [] : (validate.errors ?? []).map(mismatchOf)),
  };
}

function mismatchOf(error: ErrorObject): { pointer: string; message: string } {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { pointer: `${error.instancePath}/${escape(String(params.missingProperty))}`, message: 'is required but missing' };
  if (error.keyword === 'additionalProperties') {
    return { pointer: `${error.instancePath}/${escape(String(params.additionalProperty))}`, message: 'is not allowed (additionalProperties)' };
  }
  return { pointer: error.instancePath || '/', message: error.message ?? `fails ${error.keyword}` };
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

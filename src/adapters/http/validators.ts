// How the routes' request schemas are checked (ajv), per part of the request. A query string, a
// path and headers arrive as text, so their values are coerced to the schema's type
// (`?limit=20` is the number 20); a JSON body has its types already and is taken as it is
// (`{"comment": 5}` is a 400 "body/comment must be string", not the comment "5").
import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { removeAdditional: false, useDefaults: true, allErrors: false };

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const text = new Ajv({ ...COMMON, coerceTypes: 'array' });
  const json = new Ajv({ ...COMMON, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object);
}

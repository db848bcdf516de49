import { describe, expect, it } from 'vitest';
import { checkJsonFile } from '../../../src/core/watch/checkJsonFile.js';
import { compileSchemaCheck } from '../../../src/core/watch/schemaCheck.js';

const schema = compileSchemaCheck({
  type: 'object',
  required: ['target', 'replicas'],
  properties: { target: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } },
});
const check = schema.ok ? schema.check : null;

describe('checkJsonFile', () => {
  it.each([
    ['invalid JSON', '{"a": 1,,}', 'not JSON: at line 1, column 9'],
    ['JSON cut short', '{"a": [1, 2', 'not JSON: at line 1, column 12'],
    ['an empty file', '  \n', 'not JSON: the file is empty'],
    ['a missing required key', '{"target": "app"}', 'does not match the JSON Schema: /replicas: is required but missing'],
    ['a value out of range', '{"target": "app", "replicas": 0}', 'does not match the JSON Schema: /replicas: must be >= 1'],
    ['a wrong type at the top', '[1]', 'does not match the JSON Schema: /: must be object'],
  ])('fails %s, naming where', (_label, text, reason) => {
    const result = checkJsonFile(Buffer.from(text), check);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('names the line and column of a byte that is not UTF-8', () => {
    const result = checkJsonFile(Buffer.concat([Buffer.from('{\n  "a": "'), Buffer.of(0xff), Buffer.from('"}')]), null);
    expect(result).toEqual({ ok: false, reason: 'not JSON: at line 2, column 9: not UTF-8 (byte 0xFF)' });
  });

  it('passes a matching file, with its value, a byte-order mark allowed', () => {
    const result = checkJsonFile(Buffer.from('\ufeff{"target": "app", "replicas": 3}'), check);
    expect(result).toEqual({ ok: true, value: { target: 'app', replicas: 3 } });
  });
});

describe('compileSchemaCheck', () => {
  it('refuses a schema ajv cannot compile, saying why', () => {
    const result = compileSchemaCheck({ type: 'no-such-type' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^not a usable JSON Schema: /);
  });

  it('takes the 2020-12 dialect when the schema names it', () => {
    const result = compileSchemaCheck({ $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'string' }] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.check([1])).toEqual([{ pointer: '/0', message: 'must be string' }]);
  });
});

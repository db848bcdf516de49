import { describe, expect, it } from 'vitest';
import { duplicateKeys } from '../../../src/core/config/duplicateKeys.js';

describe('keys given twice in one object', () => {
  it('names each with its JSON pointer and both lines', () => {
    const text = ['{', '  "tasks": [', '    {"name": "a", "command": "true",', '     "command": "false"}', '  ],', '  "tasks": []', '}'].join('\n');
    expect(duplicateKeys(text)).toEqual([
      { pointer: '/tasks/0/command', line: 4, column: 6, firstLine: 3 },
      { pointer: '/tasks', line: 6, column: 3, firstLine: 2 },
    ]);
  });

  it('finds none in the same key of different objects, in keys that look alike inside strings, or in arrays', () => {
    const text = '{"tasks":[{"name":"a","env":{"A":"\\"name\\": 1, \\"name\\": 2"}},{"name":"b"}],"x":["name","name"],"a/b":{"~":1}}';
    expect(duplicateKeys(text)).toEqual([]);
  });

  it('counts array positions past nested commas and escapes a pointer\'s / and ~', () => {
    const text = '{"tasks":[{"env":{"a":1,"b":2}},{"name":"x","name":"y"}],"a/b":{"~":1,"~":2}}';
    expect(duplicateKeys(text).map((d) => d.pointer)).toEqual(['/tasks/1/name', '/a~1b/~0']);
  });
});

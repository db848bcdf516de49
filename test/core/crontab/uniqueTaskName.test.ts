import { describe, expect, it } from 'vitest';
import { uniqueTaskName } from '../../../src/core/crontab/uniqueTaskName.js';

describe('uniqueTaskName', () => {
  it.each([
    ['a free stem', 'backup', [], 'backup'],
    ['a taken stem', 'backup', ['backup'], 'backup_2'],
    ['several taken', 'backup', ['backup', 'backup_2', 'backup_3'], 'backup_4'],
    ['a stem at the length limit', 'x'.repeat(100), ['x'.repeat(100)], `${'x'.repeat(98)}_2`],
  ])('gives %s', (_label, stem, taken, name) => {
    expect(uniqueTaskName(stem, new Set(taken))).toBe(name);
  });
});

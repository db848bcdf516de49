// Byte paths joined under the root: the root '/' takes no second slash.
import { describe, expect, it } from 'vitest';
import { joinPath } from '../../../src/maintenance/shared/bytePath.js';

describe('joinPath', () => {
  it('joins with one slash, skips empty parts, and never doubles the slash after the root /', () => {
    expect(joinPath('/srv', 'a', 'b.txt')).toBe('/srv/a/b.txt');
    expect(joinPath('/', 'cleanup_inventory.json')).toBe('/cleanup_inventory.json');
    expect(joinPath('', 'x', '', 'y')).toBe('x/y');
    expect(joinPath('rel')).toBe('rel');
  });
});

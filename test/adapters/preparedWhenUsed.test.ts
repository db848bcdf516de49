// Statements are prepared on first use, once, and the ones never used are never prepared.
import { describe, expect, it } from 'vitest';
import { preparedWhenUsed } from '../../src/adapters/sqlite/preparedWhenUsed.js';

describe('preparedWhenUsed', () => {
  it('makes each value on its first read, once, and never one that is not read', () => {
    const made: string[] = [];
    const statements = preparedWhenUsed({
      first: () => (made.push('first'), { sql: 'SELECT 1' }),
      second: () => (made.push('second'), { sql: 'SELECT 2' }),
    });
    expect(made).toEqual([]);
    const once = statements.first;
    expect(statements.first).toBe(once);
    expect(once).toEqual({ sql: 'SELECT 1' });
    expect(made).toEqual(['first']);
  });

  it('lets a maker that throws throw at the read, and tries again at the next', () => {
    let tries = 0;
    const statements = preparedWhenUsed({
      broken: () => {
        tries++;
        throw new Error('no such table: gone');
      },
    });
    expect(() => statements.broken).toThrow('no such table: gone');
    expect(() => statements.broken).toThrow('no such table: gone');
    expect(tries).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { downstreamOf, upstreamOf } from '../../../src/core/dag/closure.js';
import { findCycles } from '../../../src/core/dag/findCycles.js';
import { topoOrder } from '../../../src/core/dag/topoOrder.js';

const t = (name: string, ...dependencies: string[]) => ({ name, dependencies });

describe('topoOrder', () => {
  it('puts every task after its dependencies', () => {
    const order = topoOrder([t('c', 'b'), t('b', 'a'), t('a'), t('d', 'a', 'c')]);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('d'));
  });

  it('keeps config order among independent tasks', () => {
    expect(topoOrder([t('x'), t('y'), t('z')])).toEqual(['x', 'y', 'z']);
  });
});

describe('closures', () => {
  const graph = [t('a'), t('b', 'a'), t('c', 'b'), t('d', 'a'), t('e')];
  it('finds everything upstream of a task', () => {
    expect([...upstreamOf(graph, 'c')].sort()).toEqual(['a', 'b', 'c']);
  });
  it('finds everything downstream of a task', () => {
    expect([...downstreamOf(graph, 'a')].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('findCycles', () => {
  it('returns no cycle for a DAG', () => {
    expect(findCycles(new Map([['a', []], ['b', ['a']]]))).toEqual([]);
  });
  it('returns each loop once, closed on its first name', () => {
    const cycles = findCycles(new Map([['a', ['b']], ['b', ['a']], ['c', ['d']], ['d', ['e']], ['e', ['c']]]));
    expect(cycles).toEqual([['a', 'b', 'a'], ['c', 'd', 'e', 'c']]);
  });
});

import { describe, expect, it } from 'vitest';
import { settleDag, startDag } from '../../../src/core/scheduler/dagStep.js';

const diamond = [
  { name: 'a', dependencies: [] },
  { name: 'b', dependencies: ['a'] },
  { name: 'c', dependencies: ['a'] },
  { name: 'd', dependencies: ['b', 'c'] },
  { name: 'e', dependencies: [] },
];

describe('a DAG session', () => {
  it('starts with the tasks that wait on nothing', () => {
    const { step } = startDag({ tasks: diamond, unavailable: new Map() });
    expect(step).toEqual({ ready: ['a', 'e'], skipped: [] });
  });

  it('releases a task once its last dependency succeeded', () => {
    const { state } = startDag({ tasks: diamond, unavailable: new Map() });
    expect(settleDag(state, 'a', 'success').ready).toEqual(['b', 'c']);
    expect(settleDag(state, 'b', 'success').ready).toEqual([]);
    expect(settleDag(state, 'c', 'success').ready).toEqual(['d']);
  });

  it('skips the dependents of a failed task, and theirs after them, with the reason', () => {
    const { state } = startDag({ tasks: diamond, unavailable: new Map() });
    settleDag(state, 'a', 'success');
    expect(settleDag(state, 'b', 'failed')).toEqual({ ready: [], skipped: [{ task: 'd', reason: 'dependency b failed' }] });
    expect(settleDag(state, 'c', 'success')).toEqual({ ready: [], skipped: [] });
  });

  it('cascades down a long chain without recursion', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => ({ name: `t${i}`, dependencies: i === 0 ? [] : [`t${i - 1}`] }));
    const { state } = startDag({ tasks: chain, unavailable: new Map() });
    const step = settleDag(state, 't0', 'timeout');
    expect(step.skipped).toHaveLength(99_999);
    expect(step.skipped[0]).toEqual({ task: 't1', reason: 'dependency t0 timed out' });
    expect(step.skipped.at(-1)).toEqual({ task: 't99999', reason: 'dependency t99998 was skipped' });
  });

  it('skips from the start a task whose dependency outside the selection cannot run', () => {
    const { step } = startDag({
      tasks: [
        { name: 'b', dependencies: ['off'] },
        { name: 'c', dependencies: ['b'] },
      ],
      unavailable: new Map([['off', 'is disabled']]),
    });
    expect(step).toEqual({
      ready: [],
      skipped: [
        { task: 'b', reason: 'dependency off is disabled' },
        { task: 'c', reason: 'dependency b was skipped' },
      ],
    });
  });
});

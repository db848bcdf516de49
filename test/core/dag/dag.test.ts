import { describe, expect, it } from 'vitest';
import { dependentsIndex, downstreamOf, upstreamOf } from '../../../src/core/dag/closure.js';
import { findCycles } from '../../../src/core/dag/findCycles.js';
import { renderGraph } from '../../../src/core/dag/renderGraph.js';
import { topoOrder } from '../../../src/core/dag/topoOrder.js';
import { withTaskDefaults, DEFAULT_SETTINGS } from '../../../src/core/config/defaults.js';

const t = (name: string, ...dependencies: string[]) => ({ name, dependencies });

/** n tasks where each depends on the next one in the config: the order a DFS from the top recurses deepest on. */
function chainDependingOnNext(n: number) {
  return Array.from({ length: n }, (_, i) => t(`t${i}`, ...(i < n - 1 ? [`t${i + 1}`] : [])));
}

/** A seeded random DAG of n tasks (each depends on up to 3 earlier ones), listed in a shuffled order. */
function randomDag(n: number, seed = 42) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const tasks = Array.from({ length: n }, (_, i) => {
    const deps = new Set<string>();
    for (let k = 0; k < Math.min(i, 3); k++) deps.add(`t${Math.floor(random() * i)}`);
    return t(`t${i}`, ...deps);
  });
  for (let i = tasks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j] as (typeof tasks)[number], tasks[i] as (typeof tasks)[number]];
  }
  return tasks;
}

function expectDependenciesFirst(tasks: ReturnType<typeof t>[], order: string[]) {
  const at = new Map(order.map((name, i) => [name, i]));
  expect(order.length).toBe(tasks.length);
  const late = tasks.flatMap((task) => task.dependencies.filter((dep) => (at.get(dep) as number) > (at.get(task.name) as number)).map((dep) => `${dep} after ${task.name}`));
  expect(late).toEqual([]);
}

describe('topoOrder', () => {
  it('puts every task after its dependencies', () => {
    const order = topoOrder([t('c', 'b'), t('b', 'a'), t('a'), t('d', 'a', 'c')]);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('d'));
  });

  it.each([
    ['independent tasks', [t('x'), t('y'), t('z')], ['x', 'y', 'z']],
    ['a dependency listed after its dependent', [t('x', 'z'), t('y'), t('z')], ['y', 'z', 'x']],
    ['two ready tasks after a shared dependency', [t('b', 'a'), t('c', 'a'), t('a')], ['a', 'b', 'c']],
    ['the earliest ready task first, not the rest of a chain', [t('t2', 't0'), t('t1', 't0'), t('t3', 't2'), t('t0')], ['t0', 't2', 't1', 't3']],
    ['a dependency on an unknown name', [t('a', 'ghost'), t('b')], ['a', 'b']],
  ])('keeps config order among tasks that are ready together: %s', (_label, tasks, expected) => {
    expect(topoOrder(tasks)).toEqual(expected);
  });

  it('refuses a cycle', () => {
    expect(() => topoOrder([t('a', 'b'), t('b', 'a'), t('c')])).toThrow(/cycle among a, b/);
  });

  it('orders a chain of 100,000 tasks listed against the dependency order, without recursion', () => {
    const tasks = chainDependingOnNext(100_000);
    const order = topoOrder(tasks);
    expect(order[0]).toBe('t99999');
    expect(order[99_999]).toBe('t0');
    expectDependenciesFirst(tasks, order);
  });

  it('orders a random DAG of 100,000 tasks', () => {
    const tasks = randomDag(100_000);
    expectDependenciesFirst(tasks, topoOrder(tasks));
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
  it('walks a chain of 100,000 tasks both ways', () => {
    const tasks = chainDependingOnNext(100_000);
    expect(upstreamOf(tasks, 't0').size).toBe(100_000);
    expect(downstreamOf(tasks, 't99999').size).toBe(100_000);
    expect(dependentsIndex(tasks).get('t99999')).toEqual(['t99998']);
  });
});

describe('findCycles', () => {
  it('returns no cycle for a DAG', () => {
    expect(findCycles(new Map([['a', []], ['b', ['a']]]))).toEqual({ cycles: [], complete: true });
  });
  it('returns each loop once, closed on its first name', () => {
    const { cycles } = findCycles(new Map([['a', ['b']], ['b', ['a']], ['c', ['d']], ['d', ['e']], ['e', ['c']]]));
    expect(cycles).toEqual([['a', 'b', 'a'], ['c', 'd', 'e', 'c']]);
  });
  it('ignores dependencies on names it does not know', () => {
    expect(findCycles(new Map([['a', ['ghost']]])).cycles).toEqual([]);
  });

  const edgesOf = (tasks: ReturnType<typeof t>[]) => new Map(tasks.map((task) => [task.name, task.dependencies]));

  it('searches a chain of 100,000 tasks without recursion', () => {
    expect(findCycles(edgesOf(chainDependingOnNext(100_000)))).toEqual({ cycles: [], complete: true });
  });
  it('searches a random DAG of 100,000 tasks', () => {
    expect(findCycles(edgesOf(randomDag(100_000))).cycles).toEqual([]);
  });
  it('names the whole loop when the last of 100,000 closes it', () => {
    const tasks = chainDependingOnNext(100_000);
    (tasks[99_999] as ReturnType<typeof t>).dependencies = ['t0'];
    const { cycles } = findCycles(edgesOf(tasks));
    expect(cycles.length).toBe(1);
    expect(cycles[0]?.length).toBe(100_001);
    expect(cycles[0]?.slice(0, 2)).toEqual(['t0', 't1']);
  });
  it('stops at the limit, and says so, when one task closes thousands of long loops', () => {
    const tasks = chainDependingOnNext(20_000);
    (tasks[19_999] as ReturnType<typeof t>).dependencies = tasks.slice(0, 19_999).map((task) => task.name);
    const result = findCycles(edgesOf(tasks), 100);
    expect(result.cycles.length).toBe(100);
    expect(result.complete).toBe(false);
  });
});

describe('renderGraph', () => {
  it('draws 150,000 tasks as text (more than a spread of arguments can take)', () => {
    const tasks = chainDependingOnNext(150_000).map((raw) => withTaskDefaults({ ...raw, command: 'true' }, DEFAULT_SETTINGS));
    const lines = renderGraph(tasks, 'text').split('\n');
    expect(lines[0]).toBe('t149999  [by hand only]');
    expect(lines[149_999]).toBe('t0       [after dependencies]  <- t1');
  });

  it('labels each task with what sets it off: its schedule, its folder, its webhook, else its dependencies or a person', () => {
    const tasks = [
      { name: 'intake', watch: { path: 'handoff' } },
      { name: 'hook', webhook: { secret_env: null, events: [] } },
      { name: 'both', schedule: '0 2 * * *', watch: { path: 'in' } },
      { name: 'after', dependencies: ['intake'] },
      { name: 'alone' },
      { name: 'hooked', dependencies: ['alone'], webhook: { secret_env: null, events: [] } },
      { name: 'timed', dependencies: ['alone'], schedule: '0 3 * * *' },
    ].map((raw) => withTaskDefaults({ command: 'true', ...raw } as never, DEFAULT_SETTINGS));
    const text = renderGraph(tasks, 'text');
    expect(text).toContain('intake  [files in handoff]');
    expect(text).toContain('hook    [webhook]');
    expect(text).toContain('both    [0 2 * * *, files in in]');
    expect(text).toContain('after   [after dependencies]  <- intake');
    expect(text).toContain('alone   [by hand only]');
    // A task with no schedule runs when its dependencies succeed, whatever else sets it off; a scheduled one only gates on them.
    expect(text).toContain('hooked  [webhook, after dependencies]  <- alone');
    expect(text).toContain('timed   [0 3 * * *]  <- alone');
  });

  it('gives every task its own mermaid node when names differ only in . - and _', () => {
    const tasks = [t('a.b'), t('a_b'), t('a-b', 'a.b'), t('a_b_2', 'a_b')].map((raw) => withTaskDefaults({ ...raw, command: 'true' }, DEFAULT_SETTINGS));
    const out = renderGraph(tasks, 'mermaid');
    const nodes = [...out.matchAll(/^ {2}(\w+)\["([^<]+)<br\/>/gm)].map((m) => [m[2], m[1]]);
    expect(new Set(nodes.map(([, id]) => id)).size).toBe(4);
    const id = Object.fromEntries(nodes) as Record<string, string>;
    expect(out).toContain(`  ${id['a.b']} --> ${id['a-b']}\n`);
    expect(out).toContain(`  ${id['a_b']} --> ${id['a_b_2']}\n`);
    expect(id['a.b']).toBe('t_a_b');
  });
});

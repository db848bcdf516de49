// The DAG's layout: which way a graph reads for the box it is drawn in (a laptop's wide box, a
// phone's tall one), the tasks with no dependency laid in a grid shaped like the box, every
// dependency an edge from dependency to dependent, and no node over another.
import { describe, expect, it } from 'vitest';
import { layoutGraph, type Layout } from '../../web/src/dagLayout.js';
import type { Graph } from '../../web/src/types.js';

const node = (name: string) => ({ name, schedule: null, enabled: true, paused: false });
const chain = (names: string[]) => names.slice(1).map((to, i) => ({ from: names[i] as string, to }));

/** A chain of `linked` tasks and `loose` tasks with no dependency. */
function graph(linked: number, loose: number): Graph {
  const chained = Array.from({ length: linked }, (_, i) => `step_${i}`);
  const alone = Array.from({ length: loose }, (_, i) => `alone_${i}`);
  return { nodes: [...chained, ...alone].map(node), edges: chain(chained) };
}

const at = (layout: Layout, name: string) => layout.nodes.find((n) => n.name === name) as Layout['nodes'][number];
const overlap = (a: Layout['nodes'][number], b: Layout['nodes'][number]) => Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;

describe('layoutGraph', () => {
  it.each([
    ['a laptop (wide box)', 'x', 2],
    ['a phone (tall box)', 'y', 0.65],
  ] as const)('a chain with loose tasks on %s reads along %s', (_, axis, aspect) => {
    const layout = layoutGraph(graph(4, 7), aspect);
    const along = [0, 1, 2, 3].map((i) => at(layout, `step_${i}`)[axis]);
    expect(along).toEqual([...along].sort((a, b) => a - b));
    expect(new Set(along).size).toBe(4);
  });

  it.each([
    [0.65, 1000],
    [1, 200],
    [2, 1000],
    [2, 7],
  ])('in a box of aspect %s, %s loose tasks make a drawing of about that shape (within 2x), under the graph', (aspect, loose) => {
    const layout = layoutGraph(graph(4, loose), aspect);
    const shape = layout.width / layout.height;
    if (loose >= 200) {
      expect(shape).toBeGreaterThan(aspect / 2);
      expect(shape).toBeLessThan(aspect * 2);
    }
    const lowestLinked = Math.max(...[0, 1, 2, 3].map((i) => at(layout, `step_${i}`).y));
    expect(layout.nodes.filter((n) => n.name.startsWith('alone_')).every((n) => n.y > lowestLinked)).toBe(true);
  });

  it('a phone box gets a grid no wider than the graph needs, not 900 px', () => {
    const layout = layoutGraph(graph(4, 7), 0.65);
    expect(layout.width).toBeLessThan(500);
    expect(layout.nodes.every((n) => n.x + n.width / 2 <= layout.width && n.y + n.height / 2 <= layout.height)).toBe(true);
  });

  it('every dependency is an edge from dependency to dependent; no node lies over another', () => {
    const g: Graph = { nodes: ['a', 'b', 'c', 'd', 'e', 'f'].map(node), edges: [...chain(['a', 'b', 'd']), { from: 'a', to: 'c' }, { from: 'c', to: 'd' }] };
    for (const aspect of [0.6, 1.6]) {
      const layout = layoutGraph(g, aspect);
      expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['a>b', 'a>c', 'b>d', 'c>d']);
      expect(layout.nodes.map((n) => n.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      for (const [i, a] of layout.nodes.entries()) for (const b of layout.nodes.slice(i + 1)) expect(overlap(a, b), `${a.name} over ${b.name}`).toBe(false);
    }
  });
});

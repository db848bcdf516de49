// The DAG's layout (dagre, loaded only when the DAG view opens): tasks with a dependency or a
// dependent are ranked left to right, or top to bottom when that fits the box better (a wide,
// shallow DAG on a laptop screen, a chain on a phone); tasks with neither are laid in a grid
// below, as wide as makes the whole drawing about the box's shape (so 1000 independent tasks do
// not make one column 40,000 px tall, and a phone's narrow box is not given a 900 px wide grid).
import dagre from '@dagrejs/dagre';
import type { Graph } from './types.js';

export interface Placed {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Placed[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

const HEIGHT = 34;
/** Wide enough for the name (12 px bold) and for the line under it, "never ran · paused" (10 px) at least. */
const nodeWidth = (name: string) => Math.min(260, Math.max(112, 44 + name.length * 7.2));

/** Up to this many linked tasks, both directions are laid out and the one that fits better is kept. */
const TRY_BOTH = 300;

/** The layout that shows the graph largest in a box of `aspect` (width / height). */
export function layoutGraph(graph: Graph, aspect = 1.6): Layout {
  const across = layoutIn(graph, 'LR', aspect);
  if (graph.edges.length === 0 || new Set(graph.edges.flatMap((e) => [e.from, e.to])).size > TRY_BOTH) return across;
  const down = layoutIn(graph, 'TB', aspect);
  const scale = (l: Layout) => Math.min(aspect / l.width, 1 / l.height);
  return scale(down) > scale(across) * 1.1 ? down : across;
}

function layoutIn(graph: Graph, rankdir: 'LR' | 'TB', aspect: number): Layout {
  const linked = new Set(graph.edges.flatMap((e) => [e.from, e.to]));
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir, nodesep: rankdir === 'LR' ? 14 : 18, ranksep: rankdir === 'LR' ? 70 : 50, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) if (linked.has(node.name)) g.setNode(node.name, { width: nodeWidth(node.name), height: HEIGHT });
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const nodes: Placed[] = [];
  let width = 0;
  let height = 0;
  for (const name of g.nodes()) {
    const n = g.node(name);
    nodes.push({ name, x: n.x, y: n.y, width: n.width, height: n.height });
    width = Math.max(width, n.x + n.width / 2 + 20);
    height = Math.max(height, n.y + n.height / 2 + 20);
  }
  const edges = g.edges().map((e: { v: string; w: string }) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }));
  // The tasks with no edge: a grid under the graph, at least as wide as it, and wide enough that
  // graph and grid together are about the box's shape (width = sqrt(area x aspect)).
  const loose = graph.nodes.filter((n) => !linked.has(n.name));
  if (loose.length > 0) {
    const cell = Math.max(...loose.map((n) => nodeWidth(n.name))) + 14;
    const area = width * height + loose.length * cell * (HEIGHT + 14);
    const columns = Math.max(1, Math.floor(Math.max(width, Math.sqrt(area * aspect)) / cell));
    const top = height + (nodes.length > 0 ? 30 : 20);
    loose.forEach((n, i) => {
      nodes.push({ name: n.name, x: 20 + (i % columns) * cell + cell / 2, y: top + Math.floor(i / columns) * (HEIGHT + 14) + HEIGHT / 2, width: nodeWidth(n.name), height: HEIGHT });
    });
    width = Math.max(width, 40 + columns * cell);
    height = top + Math.ceil(loose.length / columns) * (HEIGHT + 14) + 20;
  }
  return { nodes, edges, width, height };
}

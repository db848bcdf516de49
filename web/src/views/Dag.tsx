// The DAG drawn: nodes coloured by their task's last status (with the status in words on the
// node and a symbol for paused and disabled), edges from dependency to dependent. It opens at a
// readable scale (from its top left when it is larger than the box). Zoom with the wheel or the
// buttons, pan by dragging or with the arrow keys, Fit to see it whole, search to find and centre
// a task; every node is a link (Tab, Enter: brought into view) to its runs. The layout code loads
// only with this view.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import type { Layout } from '../dagLayout.js';
import { refreshOnLive } from '../live.js';
import { runsHref } from '../route.js';
import { useStatus } from '../statusStore.js';
import type { Graph, TaskStatus } from '../types.js';

interface View {
  x: number;
  y: number;
  k: number;
}

export function DagView() {
  const { status } = useStatus();
  const [graph, setGraph] = useState<Graph | null>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const box = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);

  useEffect(() => {
    const load = () =>
      getJson<Graph>('/api/v1/graph')
        .then(setGraph)
        .catch((e: Error) => setError(e.message));
    void load();
    // A task paused or resumed changes a node; a reload (a `config` event) may change the graph:
    // both are rare. A resync (the stream back after it broke) reloads it too.
    return refreshOnLive((e) => e.kind === 'task' || e.kind === 'config', load, 200, 2000);
  }, []);
  const shape = graph ? JSON.stringify([graph.nodes.map((n) => n.name), graph.edges]) : '';
  useEffect(() => {
    if (!graph) return;
    let stale = false;
    void import('../dagLayout.js').then(({ layoutGraph }) => {
      if (stale) return;
      const next = layoutGraph(graph, box.current ? box.current.clientWidth / Math.max(1, box.current.clientHeight) : 1.6);
      setLayout(next);
      setView(fit(next, box.current));
    });
    return () => void (stale = true);
  }, [shape]);

  const tasks = useMemo(() => new Map((status?.tasks ?? []).map((t) => [t.name, t])), [status]);
  const paused = useMemo(() => new Set(graph?.nodes.filter((n) => n.paused).map((n) => n.name)), [graph]);
  const needle = search.trim().toLowerCase();
  const matches = useMemo(() => (layout && needle ? layout.nodes.filter((n) => n.name.toLowerCase().includes(needle)) : []), [layout, needle]);

  const zoom = (factor: number, cx?: number, cy?: number) => {
    const rect = box.current?.getBoundingClientRect();
    const px = cx ?? (rect ? rect.width / 2 : 0);
    const py = cy ?? (rect ? rect.height / 2 : 0);
    setView((v) => {
      const k = Math.min(4, Math.max(SMALLEST, v.k * factor));
      return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
    });
  };
  const centre = (name: string) => {
    const node = layout?.nodes.find((n) => n.name === name);
    const rect = box.current?.getBoundingClientRect();
    if (!node || !rect) return;
    setView((v) => {
      const k = Math.max(v.k, 0.9);
      return { k, x: rect.width / 2 - node.x * k, y: rect.height / 2 - node.y * k };
    });
  };
  // A node reached with Tab may be out of view (the graph opens at a readable scale, not all of
  // it in the box): bring it in, at the same scale.
  const reveal = (e: FocusEvent) => {
    const name = (e.target as Element).closest('a.node')?.getAttribute('data-task');
    const node = layout?.nodes.find((n) => n.name === name);
    const element = box.current;
    if (!node || !element) return;
    element.scrollTo(0, 0); // the browser scrolls a hidden overflow to a focused element: the view pans instead
    const { clientWidth: width, clientHeight: height } = element;
    setView((v) => {
      const left = v.x + (node.x - node.width / 2) * v.k;
      const top = v.y + (node.y - node.height / 2) * v.k;
      const inside = left >= 0 && top >= 0 && left + node.width * v.k <= width && top + node.height * v.k <= height;
      return inside ? v : { k: v.k, x: width / 2 - node.x * v.k, y: height / 2 - node.y * v.k };
    });
  };
  const onKey = (e: KeyboardEvent) => {
    const step = 60;
    const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const move = moves[e.key];
    if (move && e.target === box.current) {
      e.preventDefault();
      setView((v) => ({ ...v, x: v.x + move[0], y: v.y + move[1] }));
    } else if ((e.key === '+' || e.key === '=') && e.target === box.current) zoom(1.25);
    else if (e.key === '-' && e.target === box.current) zoom(0.8);
  };

  return (
    <section aria-labelledby="dag-title" class="dag-view">
      <div class="bar">
        <h1 id="dag-title">
          DAG <span class="count">{graph ? `${graph.nodes.length} tasks, ${graph.edges.length} dependencies` : ''}</span>
        </h1>
        <form
          class="filters"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (matches[0]) centre(matches[0].name);
          }}
        >
          <input type="search" placeholder="Find a task" aria-label="Find a task in the graph" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
          <span class="small muted" aria-live="polite">
            {needle ? `${matches.length} found` : ''}
          </span>
        </form>
        <div class="row">
          <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => layout && setView(fit(layout, box.current, SMALLEST))} aria-label="Fit the whole graph in view">
            Fit
          </button>
        </div>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div
        class="dag"
        ref={box}
        tabIndex={0}
        aria-label="The task graph: arrow keys pan, + and - zoom"
        onKeyDown={onKey}
        onWheel={(e) => {
          e.preventDefault();
          const rect = box.current?.getBoundingClientRect();
          zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, rect ? e.clientX - rect.left : undefined, rect ? e.clientY - rect.top : undefined);
        }}
        onPointerDown={(e) => {
          if ((e.target as Element).closest('a')) return;
          drag.current = { x: e.clientX, y: e.clientY, view };
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const start = drag.current;
          if (start) setView({ ...start.view, x: start.view.x + e.clientX - start.x, y: start.view.y + e.clientY - start.y });
        }}
        onPointerUp={() => (drag.current = null)}
      >
        {!layout && !error && <p class="muted">Laying out the graph…</p>}
        {layout && (
          <svg width="100%" height="100%" role="group" aria-label={`${layout.nodes.length} tasks`} onFocusIn={reveal}>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
              </marker>
            </defs>
            <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
              {layout.edges.map((edge) => (
                <path key={`${edge.from}>${edge.to}`} class={`edge${needle && matches.some((m) => m.name === edge.from || m.name === edge.to) ? ' hit' : ''}`} d={edgePath(edge.points)} marker-end="url(#arrow)" />
              ))}
              {layout.nodes.map((node) => (
                <DagNode key={node.name} node={node} task={tasks.get(node.name)} paused={paused.has(node.name)} hit={needle !== '' && matches.includes(node)} dim={needle !== '' && !matches.includes(node)} />
              ))}
            </g>
          </svg>
        )}
      </div>
      <Legend />
    </section>
  );
}

function DagNode({ node, task, paused, hit, dim }: { node: Layout['nodes'][number]; task: TaskStatus | undefined; paused: boolean; hit: boolean; dim: boolean }) {
  const last = task?.last_run?.status ?? 'none';
  const marks = `${paused ? '‖ ' : ''}${task && !task.enabled ? '⊘ ' : ''}`;
  return (
    <a href={runsHref({ task: node.name })} class={`node s-${last}${hit ? ' hit' : ''}${dim ? ' dim' : ''}`} aria-label={`${node.name}: last run ${last.replace('_', ' ')}${paused ? ', paused' : ''}${task && !task.enabled ? ', disabled' : ''}`} data-task={node.name}>
      <title>{`${node.name}: last run ${last === 'none' ? 'never' : last}${task?.schedule ? `, schedule ${task.schedule}` : ''}`}</title>
      <rect x={node.x - node.width / 2} y={node.y - node.height / 2} width={node.width} height={node.height} rx={6} />
      <text x={node.x} y={node.y - 2} text-anchor="middle" class="name">
        {marks}
        {node.name.length > 34 ? `${node.name.slice(0, 33)}…` : node.name}
      </text>
      <text x={node.x} y={node.y + 11} text-anchor="middle" class="sub">
        {last === 'none' ? 'never ran' : last.replace('_', ' ')}
        {paused ? ' · paused' : ''}
      </text>
    </a>
  );
}

function Legend() {
  return (
    <p class="legend small" aria-label="Legend">
      {/* What a node can show: its last run's status, which leaves skipped fires out (README). */}
      {['success', 'failed', 'timeout', 'interrupted', 'running', 'awaiting_approval', 'cancelled', 'none'].map((s) => (
        <span key={s} class={`key s-${s}`}>
          {s === 'none' ? 'never ran' : s.replace('_', ' ')}
        </span>
      ))}
      <span>‖ paused</span> <span>⊘ disabled</span>
    </p>
  );
}

/** A smooth path through dagre's points: straight from the first, curving through the middle ones. */
function edgePath(points: { x: number; y: number }[]): string {
  const at = (p: { x: number; y: number }) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (points.length < 3) return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p)}`).join(' ');
  let d = `M${at(points[0] as { x: number; y: number })}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as { x: number; y: number };
    const next = points[i + 1] as { x: number; y: number };
    const end = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += ` Q${at(p)} ${at(end)}`;
  }
  return d;
}

/**
 * The smallest scale the graph opens at: node names of ~10 px (12 px at 1). Smaller, a DAG of 100
 * tasks fitted a laptop's screen at 0.45, names of 5 px nobody reads; larger ones open at their
 * top left (their roots: the ranks go left to right, or top to bottom), the rest a pan or a zoom
 * away. The Fit button shows the whole graph at whatever scale that takes.
 */
const READABLE = 0.8;
const SMALLEST = 0.1;

/** The whole graph centred in the box, not smaller than `floor`; from the top left when it does not fit. */
function fit(layout: Layout, box: HTMLElement | null, floor = READABLE): View {
  const width = box?.clientWidth ?? 800;
  const height = box?.clientHeight ?? 500;
  const k = Math.max(floor, Math.min(1.2, width / layout.width, height / layout.height));
  const x = layout.width * k < width ? (width - layout.width * k) / 2 : 0;
  const y = layout.height * k < height ? (height - layout.height * k) / 2 : 0;
  return { x, y, k };
}

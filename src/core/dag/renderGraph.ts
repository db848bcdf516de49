// The DAG as text, Mermaid or Graphviz dot.
import type { Task } from '../types.js';
import { topoOrder } from './topoOrder.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot';

export function renderGraph(tasks: Task[], format: GraphFormat): string {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const ordered = topoOrder(tasks).map((name) => byName.get(name) as Task);
  if (format === 'mermaid') return mermaid(ordered);
  if (format === 'dot') return dot(ordered);
  return text(ordered);
}

/**
 * What sets a task off: its schedule, its watched folder, its webhook, and its dependencies'
 * success when it has no schedule (SPEC: a task with no schedule runs when they have just
 * succeeded; a scheduled one only gates on them); with none of these, only a person.
 */
function triggersOf(task: Pick<Task, 'schedule' | 'watch' | 'webhook' | 'dependencies'>): string {
  const by: string[] = [];
  if (task.schedule) by.push(task.schedule);
  if (task.watch) by.push(`files in ${task.watch.path}`);
  if (task.webhook) by.push('webhook');
  if (!task.schedule && task.dependencies.length > 0) by.push('after dependencies');
  return by.length > 0 ? by.join(', ') : 'by hand only';
}

function label(task: Task): string {
  const when = triggersOf(task);
  return task.enabled ? when : `${when}, disabled`;
}

function text(tasks: Task[]): string {
  const width = tasks.reduce((widest, t) => Math.max(widest, t.name.length), 0); // no spread: 100k+ tasks
  return tasks
    .map((task) => {
      const needs = task.dependencies.length > 0 ? `  <- ${task.dependencies.join(', ')}` : '';
      return `${task.name.padEnd(width)}  [${label(task)}]${needs}`;
    })
    .join('\n')
    .concat('\n');
}

function mermaid(tasks: Task[]): string {
  // Mermaid ids allow letters, digits and _: `a.b`, `a-b` and `a_b` would all be t_a_b, one node.
  // Each name keeps its readable id unless an earlier task took it; then a suffix tells them apart.
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const task of tasks) {
    const base = `t_${task.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    ids.set(task.name, candidate);
  }
  const id = (name: string) => ids.get(name) as string;
  const lines = ['graph TD'];
  for (const task of tasks) lines.push(`  ${id(task.name)}["${task.name}<br/>${label(task).replace(/"/g, '#quot;')}"]`);
  for (const task of tasks) for (const dep of task.dependencies) lines.push(`  ${id(dep)} --> ${id(task.name)}`);
  for (const task of tasks) if (!task.enabled) lines.push(`  style ${id(task.name)} stroke-dasharray: 5 5`);
  return `${lines.join('\n')}\n`;
}

function dot(tasks: Task[]): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph conductor {', '  rankdir=LR;', '  node [shape=box];'];
  for (const task of tasks) {
    const style = task.enabled ? '' : ', style=dashed';
    lines.push(`  ${q(task.name)} [label=${q(`${task.name}\n${label(task)}`)}${style}];`);
  }
  for (const task of tasks) for (const dep of task.dependencies) lines.push(`  ${q(dep)} -> ${q(task.name)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

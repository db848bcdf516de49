// Dependency order of tasks: every task after all of its dependencies, config order otherwise.
import toposort from 'toposort';

/** Names in an order where dependencies come first; assumes there is no cycle. */
export function topoOrder(tasks: ReadonlyArray<{ name: string; dependencies: readonly string[] }>): string[] {
  const names = tasks.map((task) => task.name);
  const known = new Set(names);
  const edges: [string, string][] = [];
  for (const task of tasks) {
    for (const dependency of task.dependencies) if (known.has(dependency)) edges.push([dependency, task.name]);
  }
  return toposort.array(names, edges);
}

// Which tasks lie upstream (what a task needs) or downstream (what needs it) in the DAG.

type Graph = ReadonlyArray<{ name: string; dependencies: readonly string[] }>;

/** `name` and every task it depends on, directly or not. */
export function upstreamOf(tasks: Graph, name: string): Set<string> {
  const byName = new Map(tasks.map((task) => [task.name, task.dependencies]));
  return walk(name, (node) => byName.get(node) ?? []);
}

/** `name` and every task that depends on it, directly or not. */
export function downstreamOf(tasks: Graph, name: string): Set<string> {
  const dependents = dependentsIndex(tasks);
  return walk(name, (node) => dependents.get(node) ?? []);
}

/** For each task, the tasks that list it as a dependency, in config order. */
export function dependentsIndex(tasks: Graph): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const task of tasks) {
    for (const dependency of task.dependencies) {
      const list = index.get(dependency) ?? [];
      list.push(task.name);
      index.set(dependency, list);
    }
  }
  return index;
}

function walk(start: string, next: (node: string) => readonly string[]): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.pop() as string;
    for (const other of next(node)) {
      if (!seen.has(other)) {
        seen.add(other);
        queue.push(other);
      }
    }
  }
  return seen;
}

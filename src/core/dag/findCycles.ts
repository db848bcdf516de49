// Finds dependency cycles so the error can name the whole loop: `a -> b -> c -> a`. A
// depth-first search with its own stack (no recursion), so a chain of 100,000 tasks cannot
// overflow the call stack, and a cap on the loops collected, so a config with one task that
// closes thousands of long loops is reported in linear time rather than quadratic.

export interface CycleSearch {
  /** Each cycle as a list of names, first name repeated at the end; one per loop found. */
  cycles: string[][];
  /** False when the search stopped at the limit and more loops may exist. */
  complete: boolean;
}

/** Loops among `edges` (task -> its dependencies); names not in `edges` are ignored. */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>, limit = 100): CycleSearch {
  const done = new Set<string>();
  const onPath = new Map<string, number>(); // name -> its position in `path`
  const path: string[] = [];
  const cursor: number[] = []; // per path entry: the next dependency to look at
  const cycles: string[][] = [];
  const seen = new Set<string>();
  let backEdges = 0;

  for (const root of edges.keys()) {
    if (done.has(root)) continue;
    onPath.set(root, 0);
    path.push(root);
    cursor.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as string;
      const next = (edges.get(node) ?? [])[cursor[top] as number];
      if (next === undefined) {
        path.pop();
        cursor.pop();
        onPath.delete(node);
        done.add(node);
        continue;
      }
      cursor[top] = (cursor[top] as number) + 1;
      if (!edges.has(next) || done.has(next)) continue; // a missing dependency is reported elsewhere
      const start = onPath.get(next);
      if (start === undefined) {
        onPath.set(next, path.length);
        path.push(next);
        cursor.push(0);
        continue;
      }
      if (cycles.length >= limit || ++backEdges > limit * 10) return { cycles, complete: false };
      const cycle = [...path.slice(start), next];
      const key = cycle.slice(0, -1).sort().join('\0');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
    }
  }
  return { cycles, complete: true };
}

// Dependency order of tasks: every task after all of its dependencies, config order otherwise.
// Kahn's algorithm over a min-heap of config positions, with no recursion, so a chain of
// 100,000 tasks orders as easily as ten (the toposort package recursed once per link and blew
// the stack at about 4,400).

type Graph = ReadonlyArray<{ name: string; dependencies: readonly string[] }>;

/**
 * Names in an order where dependencies come first; among tasks whose dependencies are all
 * placed, the one earliest in the config goes next. Dependencies on unknown names are ignored;
 * a cycle is an error (validation refuses cycles first).
 */
export function topoOrder(tasks: Graph): string[] {
  const position = new Map<string, number>();
  tasks.forEach((task, index) => {
    if (!position.has(task.name)) position.set(task.name, index);
  });
  const unplaced = new Array<number>(tasks.length).fill(0);
  const dependents: number[][] = tasks.map(() => []);
  tasks.forEach((task, index) => {
    for (const dependency of task.dependencies) {
      const at = position.get(dependency);
      if (at === undefined) continue;
      (dependents[at] as number[]).push(index);
      unplaced[index] = (unplaced[index] as number) + 1;
    }
  });
  const ready = new MinHeap();
  unplaced.forEach((count, index) => {
    if (count === 0) ready.push(index);
  });
  const order: string[] = [];
  while (ready.size > 0) {
    const index = ready.pop();
    order.push((tasks[index] as Graph[number]).name);
    for (const dependent of dependents[index] as number[]) {
      const left = (unplaced[dependent] as number) - 1;
      unplaced[dependent] = left;
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length < tasks.length) {
    const stuck = tasks.filter((_, index) => (unplaced[index] as number) > 0).map((task) => task.name);
    throw new Error(`topoOrder: dependency cycle among ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', ...' : ''}`);
  }
  return order;
}

/** A binary min-heap of numbers (config positions). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let at = items.length;
    items.push(value);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if ((items[parent] as number) <= value) break;
      items[at] = items[parent] as number;
      at = parent;
    }
    items[at] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0] as number;
    const last = items.pop() as number;
    if (items.length === 0) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as number) < (items[left] as number) ? right : left;
      if ((items[child] as number) >= last) break;
      items[at] = items[child] as number;
      at = child;
    }
    items[at] = last;
    return top;
  }
}

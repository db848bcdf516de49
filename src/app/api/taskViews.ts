// The API's views of the tasks: every task's config with defaults filled (its zone resolved),
// its next five fires, last run, health and whether it is paused; and the DAG as nodes and edges.
import type { RunRecord, Health, Task } from '../../core/types.js';
import { ApiRefusal } from '../../ports/daemonApi.js';
import type { ApiContext } from './apiContext.js';

export interface TaskView extends Task {
  timezone: string;
  next_runs: string[];
  last_run: RunRecord | null;
  health: Health | null;
  paused: boolean;
  paused_since: string | null;
  paused_by: string | null;
}

export function taskViews(ctx: ApiContext, only?: string): TaskView[] {
  const view = ctx.live.view();
  const entries = [...ctx.engine.tasks.entries.values()].filter((e) => only === undefined || e.task.name === only);
  if (only !== undefined && entries.length === 0) throw new ApiRefusal('not_found', `no task named ${only}`);
  return entries.map((entry) => {
    const name = entry.task.name;
    const paused = ctx.engine.pausedInfo(name);
    return {
      ...entry.task,
      timezone: entry.timezone,
      next_runs: nextFires(ctx.cron.nextFire(name), entry.schedule, 5),
      last_run: view.lastRun(name),
      health: view.health(name),
      paused: paused !== null,
      paused_since: paused ? new Date(paused.at).toISOString() : null,
      paused_by: paused?.actor ?? null,
    };
  });
}

/** The next `count` fires from the cron source's next one (asking the schedule, not every task's cursor). */
function nextFires(first: number | null, schedule: { next(after: number): number | null } | null, count: number): string[] {
  const list: string[] = [];
  for (let at = first; at !== null && schedule && list.length < count; at = schedule.next(at)) list.push(new Date(at).toISOString());
  return list;
}

export function taskGraph(ctx: ApiContext) {
  const nodes = [...ctx.engine.tasks.entries.values()]
    .sort((a, b) => a.order - b.order)
    .map((e) => ({ name: e.task.name, schedule: e.task.schedule, enabled: e.task.enabled, paused: ctx.engine.pausedInfo(e.task.name) !== null }));
  const edges = nodes.flatMap((node) =>
    (ctx.engine.tasks.entries.get(node.name)?.task.dependencies ?? []).map((from) => ({ from, to: node.name })),
  );
  return { nodes, edges };
}

// What a node does once it holds the lease, before it fires: its history catches up with the
// stream; the shared watermarks come into its history (and its own, if later, go to Redis), so
// the cron source starts where the cluster stopped and applies catch-up as after a restart; the
// open runs of a node that is gone are settled (it cannot stop their processes on another host:
// it says so), and runs awaiting approval or waiting to retry are taken over. It returns the open
// runs to resume, or null when the lease was lost on the way. Retries a node leaves later (its
// attempt ended as it drained) are taken over while this node leads: takeLeftRetries.
import type { ClusterStore } from '../../ports/cluster.js';
import type { Logger } from '../../ports/logger.js';
import type { ReplicaStore } from '../../ports/replica.js';
import type { RunStore, StoredRun } from '../../ports/runStore.js';
import type { Follower } from './replication.js';

export interface TakeoverDeps {
  node: string;
  cluster: ClusterStore;
  replica: ReplicaStore;
  store: RunStore;
  follower: Follower;
  logger: Logger;
  now: () => number;
  /** The tasks with a schedule (their watermarks matter). */
  scheduledTasks: () => string[];
}

export async function prepareTakeover(deps: TakeoverDeps, lease: string, current: () => boolean): Promise<StoredRun[] | null> {
  const { cluster, replica, store, node, logger } = deps;
  await deps.follower.catchUp();
  if (!current()) return null;

  const shared = await cluster.watermarks();
  store.batch(() => {
    for (const [task, at] of shared) store.setWatermark(task, at);
  });
  const ahead = new Map<string, number>();
  for (const task of deps.scheduledTasks()) {
    const at = store.getWatermark(task);
    if (at !== null && at > (shared.get(task) ?? -Infinity)) ahead.set(task, at);
  }
  // A Redis that lost its data: what this node's history knows is the next best watermark.
  if (ahead.size > 0 && !(await cluster.raiseWatermarks(lease, ahead))) return null;

  const alive = new Set((await cluster.nodes()).filter((n) => n.alive && n.node !== node).map((n) => n.node));
  if (!current()) return null;
  const settled = replica.settleForeignRuns(
    deps.now(),
    (gone) => ({
      interrupted: `interrupted: the node ${gone} that ran it lost the lease (${node} leads now); its processes there, if any, were not stopped from here`,
      skipped: `not started: the node ${gone} that queued it lost the lease (${node} leads now)`,
    }),
    alive,
  );
  if (settled > 0) logger.warn({ runs: settled }, 'settled the open runs of a node that lost the lease');

  const foreign = replica.foreignAwaiting();
  const retries = replica.foreignRetries();
  const ownAwaiting = store
    .openRuns()
    .filter((run) => run.state === 'awaiting_approval')
    .map((run) => run.run_id);
  // Ours or another node's (one that led and adopted them, then stopped): still awaiting in a
  // history caught up with the stream, so no node decided them; this node leads now. So with a
  // retry another node's daemon left with its due time as it stopped leading (or died between
  // attempts): no node runs it unless the leader does.
  if (!(await cluster.adoptRuns(lease, node, [...foreign, ...retries, ...ownAwaiting])) || !current()) return null;
  replica.adopt([...foreign, ...retries]);
  if (foreign.length > 0) logger.info({ runs: foreign }, 'took over runs awaiting approval from the node before');
  if (retries.length > 0) logger.info({ runs: retries }, 'took over runs waiting to retry from the node before');
  return store.openRuns();
}
